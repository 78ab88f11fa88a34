import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { HostConfig } from '../../examples/host-app/src/config';
import { migrate } from '../../examples/host-app/src/database/data-source';
import { createHostApp } from '../../examples/host-app/src/main';
import { DatabaseKind, TEST_DATABASES, TestDatabase, createTestDatabase } from './databases';
import { ListeningApp } from './listening-app';

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
export class ExampleHost extends ListeningApp {
  private constructor(
    readonly db: TestDatabase,
    app: NestFastifyApplication,
  ) {
    super(app);
  }

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
      return new ExampleHost(db, app);
    } catch (e) {
      await db.drop();
      throw e;
    }
  }

  async close(): Promise<void> {
    try {
      await this.app.close();
    } finally {
      await this.db.drop();
    }
  }
}
