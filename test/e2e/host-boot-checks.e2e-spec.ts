/**
 * What a host's DataSource must give ScimModule, checked when the module starts, on SQLite and
 * MariaDB/MySQL: the module's migrations applied (in the DataSource's own history table or in
 * scim_migrations) and, on SQLite, the connection prepared by prepareSqlite. Without them the
 * host does not start, and the message says what to do; with scimTypeOrmOptions and
 * migrationsRun: true it starts and serves SCIM. The standalone server refuses the same way
 * when MIGRATIONS_RUN=false finds its database unmigrated.
 */
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { TypeOrmModule, TypeOrmModuleOptions } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource, DataSourceOptions, MigrationInterface, QueryRunner, Table } from 'typeorm';
import {
  SCIM_ENTITIES,
  SCIM_MIGRATIONS,
  ScimModule,
  ScimModuleOptions,
  TenantService,
  TokenService,
  connectionOptionsOf,
  pendingScimMigrations,
  scimTypeOrmOptions,
} from '../../src/library';
import { createApp } from '../../src/server/bootstrap';
import { loadConfig } from '../../src/server/config/app.config';
import { TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';

const PEPPER = { tokenPepper: 'a-pepper-of-16-chars-or-more' };
const MIGRATION_COUNT = SCIM_MIGRATIONS.length;
const LAST_MIGRATION = (new SCIM_MIGRATIONS[MIGRATION_COUNT - 1]() as { name: string }).name;

/** A migration of the host's own, run with the module's from one history table. */
class HostWidgets1700000000000 implements MigrationInterface {
  name = 'HostWidgets1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({ name: 'host_widgets', columns: [{ name: 'id', type: 'varchar', length: '36', isPrimary: true }] }));
  }
  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('host_widgets');
  }
}

/** The host's own connection settings, nothing of SCIM's. */
function connection(url: string) {
  return connectionOptionsOf(url);
}

/** the DataSources the hosts opened: a host that fails to start leaves its own open */
const opened: DataSource[] = [];

@Module({})
class CheckedHostModule {
  static forRoot(typeorm: TypeOrmModuleOptions, scim: Partial<ScimModuleOptions>): DynamicModule {
    return {
      module: CheckedHostModule,
      imports: [
        // retryAttempts 0: a DataSource that fails fails the boot at once
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ retryAttempts: 0, ...typeorm }),
          dataSourceFactory: async (o) => {
            const ds = new DataSource(o!);
            opened.push(ds);
            return ds.initialize();
          },
        }),
        ScimModule.forRootAsync({ useFactory: () => ({ ...PEPPER, ...scim }) }),
      ],
    };
  }
}

async function boot(
  typeorm: TypeOrmModuleOptions,
  scim: Partial<ScimModuleOptions> = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    CheckedHostModule.forRoot(typeorm, scim),
    new FastifyAdapter(),
    { logger: false, abortOnError: false },
  );
  await app.listen(0, '127.0.0.1');
  return app;
}

/** Runs `migrations` on the database with their history in `table`. */
async function migrate(url: string, migrations: DataSourceOptions['migrations'], table: string): Promise<void> {
  const c = connection(url);
  const ds = new DataSource({
    ...c,
    ...(c.type === 'better-sqlite3' ? scimTypeOrmOptions({ type: c.type }) : {}),
    migrations,
    migrationsTableName: table,
  } as DataSourceOptions);
  await ds.initialize();
  try {
    await ds.runMigrations();
  } finally {
    await ds.destroy();
  }
}

describe.each(TEST_DATABASES)('ScimModule checks the host DataSource at boot on %s', (kind) => {
  let db: TestDatabase;
  let app: NestFastifyApplication | undefined;

  beforeEach(async () => {
    db = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    for (const ds of opened.splice(0)) {
      if (ds.isInitialized) {
        await ds.destroy();
      }
    }
    await db.drop();
  });

  it('refuses to start when its migrations were never run, saying what to do', async () => {
    const c = connection(db.url);
    const options = { ...c, ...scimTypeOrmOptions({ type: c.type }) } as TypeOrmModuleOptions;
    const refused = boot(options);
    await expect(refused).rejects.toThrow(
      `ScimModule cannot start: none of its ${MIGRATION_COUNT} migrations has been applied to this database`,
    );
    await expect(refused).rejects.toThrow(/looked in the history tables "migrations" and "scim_migrations"/);
    await expect(refused).rejects.toThrow(/spread scimTypeOrmOptions\(\{ type \}\).*with migrationsRun: true/);
    await expect(refused).rejects.toThrow(/MIGRATIONS_RUN=true/);
  });

  it('starts with scimTypeOrmOptions and migrationsRun: true, beside the host\'s own migration', async () => {
    const c = connection(db.url);
    app = await boot({
      ...c,
      migrationsRun: true,
      ...scimTypeOrmOptions({ type: c.type, migrations: [HostWidgets1700000000000] }),
    } as TypeOrmModuleOptions);
    const ds = app.get(DataSource);
    // one history table for both: the host's migration and every one of the module's
    const recorded = (await ds.query('SELECT name FROM migrations')) as Array<{ name: string }>;
    expect(recorded.map((r) => r.name)).toEqual(expect.arrayContaining(['HostWidgets1700000000000', LAST_MIGRATION]));
    expect(recorded).toHaveLength(MIGRATION_COUNT + 1);
    expect(await pendingScimMigrations(ds)).toEqual([]);

    // and it serves SCIM, case-sensitive `sw` included (prepareSqlite on SQLite)
    await app.get(TenantService).createTenant('acme');
    const token = (await app.get(TokenService).issue('acme', 'idp', ['users:write'])).token;
    const http = request(app.getHttpServer());
    const auth = { Authorization: `Bearer ${token}` };
    const created = await http
      .post('/scim/v2/Users')
      .set(auth)
      .send({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ann', externalId: 'abcDEF' });
    expect(created.status).toBe(201);
    const upper = await http.get('/scim/v2/Users').query({ filter: 'externalId sw "ABC"' }).set(auth);
    expect(upper.status).toBe(200);
    expect(upper.body.totalResults).toBe(0);
    const exact = await http.get('/scim/v2/Users').query({ filter: 'externalId sw "abc"' }).set(auth);
    expect(exact.body.totalResults).toBe(1);
  });

  it('refuses to start with a pending migration, naming it', async () => {
    await migrate(db.url, SCIM_MIGRATIONS, 'migrations');
    const ds = new DataSource({ ...connection(db.url) } as DataSourceOptions);
    await ds.initialize();
    await ds.query(`DELETE FROM migrations WHERE name = ${kind === 'postgres' ? '$1' : '?'}`, [LAST_MIGRATION]);
    await ds.destroy();
    const c = connection(db.url);
    await expect(boot({ ...c, ...scimTypeOrmOptions({ type: c.type }) } as TypeOrmModuleOptions)).rejects.toThrow(
      `ScimModule cannot start: 1 of its ${MIGRATION_COUNT} migrations are pending on this database (${LAST_MIGRATION})`,
    );
  });

  it('finds its migrations in scim_migrations beside the host\'s own history table', async () => {
    await migrate(db.url, [HostWidgets1700000000000], 'host_migrations');
    await migrate(db.url, SCIM_MIGRATIONS, 'scim_migrations');
    const c = connection(db.url);
    app = await boot({
      ...c,
      ...scimTypeOrmOptions({ type: c.type }),
      migrationsTableName: 'host_migrations',
    } as TypeOrmModuleOptions);
    expect((await request(app.getHttpServer()).get('/scim/v2/ServiceProviderConfig')).status).toBe(200);
  });

  it('starts unmigrated with requireMigrations: false (a process that boots it to migrate)', async () => {
    const c = connection(db.url);
    app = await boot({ ...c, ...scimTypeOrmOptions({ type: c.type }) } as TypeOrmModuleOptions, {
      requireMigrations: false,
    });
    expect(await pendingScimMigrations(app.get(DataSource))).toHaveLength(MIGRATION_COUNT);
  });

  if (kind === 'sqlite') {
    // (on SQLite only: the refused server's DataSource stays open, as it would until the process
    // exits, and a MySQL pool would keep the test worker alive)
    it('makes the standalone server refuse an unmigrated database with MIGRATIONS_RUN=false', async () => {
      const config = loadConfig({ DATABASE_URL: db.url, SCIM_BOOTSTRAP: 'false', MIGRATIONS_RUN: 'false' });
      await expect(createApp(config, false)).rejects.toThrow(/none of its \d+ migrations has been applied.*MIGRATIONS_RUN=true/s);
    });
  }

  if (kind === 'sqlite') {
    describe('a SQLite connection', () => {
      beforeEach(async () => {
        await migrate(db.url, SCIM_MIGRATIONS, 'scim_migrations');
      });

      it('without prepareSqlite is refused, naming it', async () => {
        const options = { ...connection(db.url), entities: SCIM_ENTITIES } as TypeOrmModuleOptions;
        await expect(boot(options)).rejects.toThrow(
          /this SQLite connection was not prepared for it \(the scim_lower\(\) function is missing\)\. Add prepareDatabase: prepareSqlite/,
        );
      });

      it('with a case-insensitive LIKE is refused: externalId sw "ABC" would match "abcDEF"', async () => {
        // the host registered a lower-casing function of its own, but not the LIKE semantics
        const prepareDatabase = (d: { function: (n: string, o: object, f: (v: unknown) => unknown) => void }) =>
          d.function('scim_lower', { deterministic: true }, (v) => (typeof v === 'string' ? v.toLowerCase() : v));
        const options = { ...connection(db.url), entities: SCIM_ENTITIES, prepareDatabase } as TypeOrmModuleOptions;
        await expect(boot(options)).rejects.toThrow(
          /LIKE is case-insensitive on this SQLite connection.*externalId sw "ABC" would match "abcDEF".*prepareSqlite/,
        );
      });

      it("with the host's own preparation keeps it and adds prepareSqlite", async () => {
        const seen: string[] = [];
        app = await boot({
          ...connection(db.url),
          ...scimTypeOrmOptions({ type: 'better-sqlite3', prepareDatabase: () => void seen.push('host') }),
          migrationsTableName: 'scim_migrations',
        } as TypeOrmModuleOptions);
        expect(seen).toEqual(['host']);
      });
    });
  }
});
