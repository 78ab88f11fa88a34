import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { HostConfig } from '../../examples/host-app/src/config';
import { migrate } from '../../examples/host-app/src/database/data-source';
import { createHostApp } from '../../examples/host-app/src/main';
import { TenantService, TokenService } from '../../src/library';
import { DatabaseKind, TEST_DATABASES, TestDatabase, createTestDatabase } from './databases';

export type AdapterBinding = NonNullable<HostConfig['scimAdapterBinding']>;

/** Every test database with the adapters bound through useClass, and SQLite with useExisting too. */
export const EXAMPLE_HOST_VARIANTS: Array<[DatabaseKind, AdapterBinding]> = [
  ...TEST_DATABASES.map((kind) => [kind, 'useClass'] as [DatabaseKind, AdapterBinding]),
  ['sqlite', 'useExisting'],
];

/**
 * The example host application (examples/host-app) on a fresh database of `kind`, migrated the
 * host's way and listening on a loopback port.
 */
export class ExampleHost {
  private constructor(
    readonly db: TestDatabase,
    readonly app: NestFastifyApplication,
    /** http://127.0.0.1:<port> */
    readonly origin: string,
  ) {}

  static async start(
    kind: DatabaseKind,
    binding: AdapterBinding,
    config: Partial<HostConfig> = {},
  ): Promise<ExampleHost> {
    const db = await createTestDatabase(kind);
    try {
      await migrate(db.url);
      const app = await createHostApp(
        {
          databaseUrl: db.url,
          scimTokenPepper: 'host-app-test-pepper-0123456789',
          scimAdapterBinding: binding,
          ...config,
        },
        false,
      );
      await app.listen(0, '127.0.0.1');
      const port = (app.getHttpServer().address() as { port: number }).port;
      return new ExampleHost(db, app, `http://127.0.0.1:${port}`);
    } catch (e) {
      await db.drop();
      throw e;
    }
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  get tokens(): TokenService {
    return this.app.get(TokenService);
  }

  get tenantService(): TenantService {
    return this.app.get(TenantService);
  }

  async close(): Promise<void> {
    try {
      await this.app.close();
    } finally {
      await this.db.drop();
    }
  }
}
