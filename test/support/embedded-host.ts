import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ScimForRootOptions, ScimModule, buildDataSourceOptions } from '../../src/library';
import { ListeningApp } from './listening-app';

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
export abstract class EmbeddedHost extends ListeningApp {
  protected static async boot(url: string, scim: ScimForRootOptions): Promise<NestFastifyApplication> {
    const app = await NestFactory.create<NestFastifyApplication>(
      EmbeddingHostModule.forRoot(url, scim),
      new FastifyAdapter(),
      { logger: false },
    );
    await app.listen(0, '127.0.0.1');
    return app;
  }

  close(): Promise<void> {
    return this.app.close();
  }
}
