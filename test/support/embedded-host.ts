import { DynamicModule, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ScimForRootOptions, ScimModule, TenantService, TokenService, buildDataSourceOptions } from '../../src/library';

@Module({})
class EmbeddingHostModule {
  static forRoot(url: string, scim: ScimForRootOptions): DynamicModule {
    return {
      module: EmbeddingHostModule,
      imports: [TypeOrmModule.forRoot(buildDataSourceOptions({ url, migrationsRun: true })), ScimModule.forRoot(scim)],
    };
  }
}

/**
 * A host application that embeds ScimModule.forRoot(`scim`) on an existing database (migrated
 * at start-up), on Fastify, listening on a loopback port. The test fixtures of the module's
 * options (listeners, hooks, authenticators, tenancy) are built on it.
 */
export abstract class EmbeddedHost {
  protected constructor(readonly app: NestFastifyApplication) {}

  protected static async boot(url: string, scim: ScimForRootOptions): Promise<NestFastifyApplication> {
    const app = await NestFactory.create<NestFastifyApplication>(
      EmbeddingHostModule.forRoot(url, scim),
      new FastifyAdapter(),
      { logger: false },
    );
    await app.listen(0, '127.0.0.1');
    return app;
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

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  /** a provider the host registered through the options (a listener, a hook, ...) */
  provider<T>(type: Type<T>): T {
    return this.app.get(type, { strict: false });
  }

  close(): Promise<void> {
    return this.app.close();
  }
}
