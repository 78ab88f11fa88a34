import { DynamicModule, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import {
  CreateHookEvent,
  ScimError,
  ScimLifecycleHooks,
  ScimModule,
  ScimRoles,
  TenantService,
  TokenService,
  UpdateHookEvent,
  buildDataSourceOptions,
} from '../../src/library';
import { TENANT_REPOSITORY } from '../../src/core/ports/tokens';
import { TenantRepository } from '../../src/core/ports/tenant.repository';

/**
 * A host's lifecycle hooks: it refuses users of a domain it does not serve (a veto with a SCIM
 * error) and records who lost access (afterDeactivate), as a host revoking sessions would.
 */
@Injectable()
export class DomainPolicyHooks implements ScimLifecycleHooks {
  readonly deactivated: string[] = [];

  beforeCreate(e: CreateHookEvent): void {
    if (e.resourceType === 'User' && String(e.resource.userName).toLowerCase().endsWith('@blocked.example')) {
      throw ScimError.forbidden('users of blocked.example are not provisioned to this product');
    }
  }

  afterDeactivate(e: UpdateHookEvent): void {
    this.deactivated.push(e.id);
  }
}

@Module({})
class LifecycleHostModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: LifecycleHostModule,
      imports: [
        TypeOrmModule.forRoot(buildDataSourceOptions({ url, migrationsRun: true })),
        ScimModule.forRoot({
          tokenPepper: 'lifecycle-test-pepper-0123456789',
          roles: { names: ['owner', 'admin', 'member'], protect: 'owner' },
          hooks: [DomainPolicyHooks],
        }),
      ],
    };
  }
}

/** A host app embedding ScimModule with hooks and break-glass protection, on loopback. */
export class LifecycleApp {
  private constructor(readonly app: NestFastifyApplication) {}

  static async start(url: string): Promise<LifecycleApp> {
    const app = await NestFactory.create<NestFastifyApplication>(
      LifecycleHostModule.forRoot(url),
      new FastifyAdapter(),
      { logger: false },
    );
    await app.listen(0, '127.0.0.1');
    return new LifecycleApp(app);
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

  get tenants(): TenantRepository {
    return this.app.get(TENANT_REPOSITORY);
  }

  get roles(): ScimRoles {
    return this.app.get(ScimRoles);
  }

  get hooks(): DomainPolicyHooks {
    return this.app.get(DomainPolicyHooks, { strict: false });
  }

  close(): Promise<void> {
    return this.app.close();
  }
}
