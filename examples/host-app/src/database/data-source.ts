import { DataSource, DataSourceOptions } from 'typeorm';
import { SCIM_MIGRATIONS, parseDatabaseUrl, scimTypeOrmOptions } from '../scim-nest';
import { HostTeamMember } from '../teams/host-team-member.entity';
import { HostTeam } from '../teams/host-team.entity';
import { HostUser } from '../users/host-user.entity';
import { HostUsers1764000000000 } from './migrations/1764000000000-HostUsers';
import { HostUserLinking1765000000000 } from './migrations/1765000000000-HostUserLinking';
import { HostTeams1765000000001 } from './migrations/1765000000001-HostTeams';
import { HostPlans1765000000002 } from './migrations/1765000000002-HostPlans';

export const HOST_MIGRATIONS = [
  HostUsers1764000000000,
  HostUserLinking1765000000000,
  HostTeams1765000000001,
  HostPlans1765000000002,
];
export const HOST_ENTITIES = [HostUser, HostTeam, HostTeamMember];

/**
 * The host's one DataSource: its own entities plus SCIM's (tenants, tokens, audit...), from
 * scimTypeOrmOptions, which on SQLite also prepares each connection (prepareSqlite: scim_lower(),
 * case-sensitive LIKE), which the host's filter target relies on too. Its migrations are the
 * host's own: migrate() runs SCIM's into their own history table, where ScimModule finds them
 * when it starts.
 */
export function hostDataSourceOptions(url: string): DataSourceOptions {
  const db = parseDatabaseUrl(url);
  const type = db.kind === 'sqlite' ? 'better-sqlite3' : 'mysql';
  const { entities, prepareDatabase } = scimTypeOrmOptions({ type, entities: HOST_ENTITIES });
  const common = {
    entities,
    migrations: HOST_MIGRATIONS,
    migrationsTableName: 'host_migrations',
    synchronize: false,
  };
  if (type === 'better-sqlite3') {
    return { ...common, type, database: db.file!, prepareDatabase };
  }
  if (db.kind === 'postgres') {
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
    type,
    host: db.host,
    port: db.port,
    username: db.username,
    password: db.password,
    database: db.database,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
  };
}

/**
 * The deploy step: the host's migrations in host_migrations, then SCIM's in scim_migrations,
 * so that the library's upgrades never interleave with the host's migration history.
 */
export async function migrate(url: string): Promise<void> {
  const options = hostDataSourceOptions(url);
  for (const [migrations, migrationsTableName] of [
    [HOST_MIGRATIONS, 'host_migrations'],
    [SCIM_MIGRATIONS, 'scim_migrations'],
  ] as const) {
    const ds = new DataSource({ ...options, migrations: [...migrations], migrationsTableName });
    await ds.initialize();
    try {
      await ds.runMigrations();
    } finally {
      await ds.destroy();
    }
  }
}
