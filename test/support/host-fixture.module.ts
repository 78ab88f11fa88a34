/**
 * A small host application for the e2e suites (STYLE §10): a Nest app of its own with its own
 * TypeORM DataSource (our tables through SCIM_ENTITIES / SCIM_MIGRATIONS, its own migration
 * history table), its own global exception filter, its own global guard and its own routes.
 * It also has its own global interceptor, so the SCIM routes (which carry none of their own)
 * are shown to work under a host's interceptor too.
 * It imports ScimModule through the public API only (src/scim/index.ts), in each of the ways a
 * host can (STYLE §4): `forRoot`, or `forRootAsync` with `useFactory`, `useClass` or
 * `useExisting`. Every binding passes a different `maxResults`, so a test can tell from
 * /ServiceProviderConfig that the options really came through that path.
 */
import {
  ArgumentsHost,
  CallHandler,
  CanActivate,
  Catch,
  Controller,
  DynamicModule,
  ExceptionFilter,
  ExecutionContext,
  Get,
  HttpException,
  Inject,
  Injectable,
  Logger,
  Module,
  NestInterceptor,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, HttpAdapterHost, NestFactory, Reflector } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Observable, tap } from 'rxjs';
import { DataSourceOptions } from 'typeorm';
import {
  SCIM_ENTITIES,
  SCIM_MIGRATIONS,
  ScimModule,
  ScimModuleOptions,
  parseDatabaseUrl,
  prepareSqlite,
} from '../../src/library';

/** How the fixture imports ScimModule. */
export type ScimBinding = 'forRoot' | 'useFactory' | 'useClass' | 'useExisting';

export const SCIM_BINDINGS: readonly ScimBinding[] = ['forRoot', 'useFactory', 'useClass', 'useExisting'];

/** The host's own configuration (its "ConfigService"). */
export interface HostSettings {
  readonly databaseUrl: string;
  readonly scimTokenPepper: string;
  /** passed on to ScimModule: visible as /ServiceProviderConfig filter.maxResults */
  readonly scimMaxResults: number;
  /** what the host's own guard wants in `x-host-key` on the host's routes */
  readonly apiKey: string;
}

export const HOST_SETTINGS = Symbol('host-fixture:settings');

/** The host's body for every error on its own routes (and on URLs nothing matches). */
export interface HostErrorBody {
  error: { status: number; message: string };
}

/** A provider of the host that builds ScimModule's options (for useClass and useExisting). */
@Injectable()
export class HostScimOptions {
  constructor(@Inject(HOST_SETTINGS) private readonly settings: HostSettings) {}

  create(): ScimModuleOptions {
    return { tokenPepper: this.settings.scimTokenPepper, maxResults: this.settings.scimMaxResults };
  }
}

/** The host's settings module; it also provides (and exports) its own HostScimOptions. */
@Module({})
class HostSettingsModule {
  static register(settings: HostSettings): DynamicModule {
    return {
      module: HostSettingsModule,
      providers: [{ provide: HOST_SETTINGS, useValue: settings }, HostScimOptions],
      exports: [HOST_SETTINGS, HostScimOptions],
    };
  }
}

const PROTECTED = 'host-fixture:protected';
/** Marks the host's own controllers: only they need the host's API key. */
const HostProtected = () => SetMetadata(PROTECTED, true);

/**
 * The host's global guard (APP_GUARD). A global guard runs before every controller's guards,
 * SCIM's too, so it protects only what is marked as the host's own and lets everything else
 * through (SCIM controllers carry their own bearer-token guard). It counts those pass-throughs
 * so a test can see that it did run on SCIM requests.
 */
@Injectable()
export class HostApiKeyGuard implements CanActivate {
  passedThrough = 0;

  constructor(
    private readonly reflector: Reflector,
    @Inject(HOST_SETTINGS) private readonly settings: HostSettings,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.reflector.getAllAndOverride<boolean>(PROTECTED, [context.getHandler(), context.getClass()])) {
      this.passedThrough++;
      return true;
    }
    const { headers } = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
    if (headers['x-host-key'] !== this.settings.apiKey) {
      throw new UnauthorizedException('The host API key is missing or wrong');
    }
    return true;
  }
}

/** The host's global exception filter (APP_FILTER): `{ "error": { "status", "message" } }`. */
@Catch()
export class HostExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HostExceptionFilter');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    const message = exception instanceof HttpException ? exception.message : 'Internal error';
    if (status >= 500) {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    }
    const body: HostErrorBody = { error: { status, message } };
    const { httpAdapter } = this.adapterHost;
    const res = host.switchToHttp().getResponse<unknown>();
    httpAdapter.setHeader(res, 'Content-Type', 'application/json; charset=utf-8');
    httpAdapter.reply(res, body, status);
  }
}

/** The header HostResponseInterceptor adds to every successful answer. */
export const HOST_INTERCEPTOR_HEADER = 'x-host-interceptor';

/**
 * The host's global interceptor (APP_INTERCEPTOR): it wraps every handler, SCIM's too, and adds
 * a header after it; it counts the answers it saw so a test can see it ran.
 */
@Injectable()
export class HostResponseInterceptor implements NestInterceptor {
  seen = 0;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = context.switchToHttp().getResponse<unknown>();
    return next.handle().pipe(
      tap(() => {
        this.seen++;
        this.adapterHost.httpAdapter.setHeader(res, HOST_INTERCEPTOR_HEADER, 'after');
      }),
    );
  }
}

/** The host's own routes. */
@Controller('hello')
@HostProtected()
class HelloController {
  @Get()
  hello(): { hello: string } {
    return { hello: 'world' };
  }

  @Get('teapot')
  teapot(): never {
    throw new HttpException("I'm a teapot", 418);
  }
}

/**
 * The host's one DataSource, written the way a host writes its own (not the standalone
 * server's buildDataSourceOptions): SCIM's entities, SCIM's migrations in their own history
 * table, applied at start-up. On SQLite, prepareSqlite registers what the filter compiler needs.
 */
export function hostDataSourceOptions(url: string): DataSourceOptions {
  const db = parseDatabaseUrl(url);
  const common = {
    entities: [...SCIM_ENTITIES],
    migrations: [...SCIM_MIGRATIONS],
    migrationsTableName: 'scim_migrations',
    migrationsRun: true,
    synchronize: false,
  };
  if (db.kind === 'sqlite') {
    return { ...common, type: 'better-sqlite3', database: db.file!, prepareDatabase: prepareSqlite };
  }
  if (db.kind === 'postgres') {
    // nothing to prepare: the module's statements take `?` placeholders on every driver
    return {
      ...common,
      type: 'postgres',
      host: db.host,
      port: db.port,
      username: db.username,
      password: db.password,
      database: db.database,
    };
  }
  return {
    ...common,
    type: 'mysql',
    host: db.host,
    port: db.port,
    username: db.username,
    password: db.password,
    database: db.database,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
  };
}

/** ScimModule, imported one of the four ways (the build-time `path` sits beside the options). */
function scimModule(binding: ScimBinding, settings: HostSettings, settingsModule: DynamicModule): DynamicModule {
  switch (binding) {
    case 'forRoot':
      return ScimModule.forRoot({
        path: 'scim/v2',
        tokenPepper: settings.scimTokenPepper,
        maxResults: settings.scimMaxResults,
      });
    case 'useFactory':
      return ScimModule.forRootAsync({
        path: 'scim/v2',
        imports: [settingsModule],
        inject: [HOST_SETTINGS],
        useFactory: (s: HostSettings): ScimModuleOptions => ({
          tokenPepper: s.scimTokenPepper,
          maxResults: s.scimMaxResults,
        }),
      });
    case 'useClass':
      // ScimModule instantiates its own HostScimOptions; HOST_SETTINGS comes from the import
      return ScimModule.forRootAsync({ path: 'scim/v2', imports: [settingsModule], useClass: HostScimOptions });
    case 'useExisting':
      // the host's own HostScimOptions instance, exported by its settings module
      return ScimModule.forRootAsync({ path: 'scim/v2', imports: [settingsModule], useExisting: HostScimOptions });
  }
}

@Module({})
export class HostFixtureModule {
  static forRoot(settings: HostSettings, binding: ScimBinding): DynamicModule {
    const settingsModule = HostSettingsModule.register(settings);
    return {
      module: HostFixtureModule,
      imports: [
        settingsModule,
        TypeOrmModule.forRootAsync({
          imports: [settingsModule],
          inject: [HOST_SETTINGS],
          useFactory: (s: HostSettings) => hostDataSourceOptions(s.databaseUrl),
        }),
        scimModule(binding, settings, settingsModule),
      ],
      controllers: [HelloController],
      providers: [
        HostApiKeyGuard,
        { provide: APP_GUARD, useExisting: HostApiKeyGuard },
        { provide: APP_FILTER, useClass: HostExceptionFilter },
        HostResponseInterceptor,
        { provide: APP_INTERCEPTOR, useExisting: HostResponseInterceptor },
      ],
    };
  }
}

/**
 * The host app on Fastify, listening on a loopback port, with the one line SCIM needs from a
 * host (docs/host-integration.md §4): application/scim+json is parsed as JSON.
 */
export async function startHostFixture(
  settings: HostSettings,
  binding: ScimBinding,
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    HostFixtureModule.forRoot(settings, binding),
    new FastifyAdapter(),
    { logger: false },
  );
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addContentTypeParser(
    'application/scim+json',
    { parseAs: 'string' },
    fastify.getDefaultJsonParser('error', 'error'),
  );
  await app.listen(0, '127.0.0.1');
  return app;
}
