import { DynamicModule, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import {
  ScimAuthRequest,
  ScimAuthenticator,
  ScimCaller,
  ScimModule,
  ScimTenancyResolver,
  TenantService,
  TokenService,
  buildDataSourceOptions,
} from '../../src/library';

/** The host's own API keys (a gateway's, say): key → the tenant it provisions and its rights. */
export const HOST_KEYS: Record<string, ScimCaller> = {
  'acme-writer-key': { tenant: 'acme', actorId: 'acme-gateway', scopes: ['users:write', 'groups:write'] },
  'acme-reader-key': { tenant: 'acme', actorId: 'acme-auditor', scopes: ['users:read'] },
  'beta-writer-key': { tenant: 'beta', actorId: 'beta-gateway', scopes: ['users:write'] },
};

@Injectable()
export class ApiKeyAuthenticator implements ScimAuthenticator {
  authenticate(req: ScimAuthRequest): ScimCaller | null {
    const key = req.headers['x-api-key'];
    return typeof key === 'string' ? (HOST_KEYS[key] ?? null) : null;
  }
}

/** `<tenant>.scim.example` addresses that tenant; other host names leave it to the credential. */
@Injectable()
export class SubdomainTenancy implements ScimTenancyResolver {
  resolveTenant(req: ScimAuthRequest): string | undefined {
    const host = String(req.headers.host ?? '').toLowerCase();
    const m = /^([a-z0-9-]+)\.scim\.example(:\d+)?$/.exec(host);
    return m?.[1];
  }
}

export type HostAuthMode = 'api-keys+tenancy' | 'tokens+tenancy';

@Module({})
class HostAuthModule {
  static forRoot(url: string, mode: HostAuthMode): DynamicModule {
    return {
      module: HostAuthModule,
      imports: [
        TypeOrmModule.forRoot(buildDataSourceOptions({ url, migrationsRun: true })),
        ScimModule.forRoot({
          tokenPepper: 'host-auth-test-pepper-0123456789',
          ...(mode === 'api-keys+tenancy' ? { auth: { authenticator: ApiKeyAuthenticator } } : {}),
          tenancy: SubdomainTenancy,
        }),
      ],
    };
  }
}

/** A host app whose SCIM requests are authenticated by its own keys and/or checked for tenancy. */
export class HostAuthApp {
  private constructor(readonly app: NestFastifyApplication) {}

  static async start(url: string, mode: HostAuthMode): Promise<HostAuthApp> {
    const app = await NestFactory.create<NestFastifyApplication>(
      HostAuthModule.forRoot(url, mode),
      new FastifyAdapter(),
      { logger: false },
    );
    await app.listen(0, '127.0.0.1');
    return new HostAuthApp(app);
  }

  get http() {
    const addr = this.app.getHttpServer().address() as { port: number };
    return request(`http://127.0.0.1:${addr.port}`);
  }

  get tokens(): TokenService {
    return this.app.get(TokenService);
  }

  get tenantService(): TenantService {
    return this.app.get(TenantService);
  }

  close(): Promise<void> {
    return this.app.close();
  }
}
