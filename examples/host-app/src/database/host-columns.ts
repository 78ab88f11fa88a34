import { QueryRunner, TableColumnOptions } from 'typeorm';

export type HostDatabase = 'sqlite' | 'mysql' | 'postgres';

export function hostDatabaseOf(qr: QueryRunner): HostDatabase {
  switch (qr.connection.options.type) {
    case 'mysql':
    case 'mariadb':
      return 'mysql';
    case 'postgres':
      return 'postgres';
    default:
      return 'sqlite';
  }
}

/**
 * The host's column types on each of its databases, for its migrations (one file per change
 * for SQLite, MySQL/MariaDB and PostgreSQL, QueryRunner/Table API):
 * - `caseInsensitive`: text compared and kept unique case-insensitively, as the host's own
 *   queries and its sign-in look-up expect: NOCASE on SQLite, utf8mb4_unicode_ci on MySQL,
 *   `citext` on PostgreSQL (its case-insensitive text type; `=`, IN and unique indexes fold
 *   case, as a _ci collation does; the extension is created by `prepare`);
 * - `time`: a time with milliseconds, in UTC: datetime(3) on SQLite and MySQL, timestamptz(3) on
 *   PostgreSQL, which the driver reads back as the same instant whatever the zones;
 * - `document`: JSON text, mediumtext on MySQL (text is 64 KiB there).
 */
export function hostColumns(qr: QueryRunner) {
  const db = hostDatabaseOf(qr);
  return {
    db,
    caseInsensitive: (name: string, length: number): TableColumnOptions => {
      switch (db) {
        case 'postgres':
          return { name, type: 'citext' };
        case 'mysql':
          return { name, type: 'varchar', length: String(length), collation: 'utf8mb4_unicode_ci' };
        case 'sqlite':
          return { name, type: 'varchar', length: String(length), collation: 'NOCASE' };
      }
    },
    time: (name: string): TableColumnOptions => ({
      name,
      type: db === 'postgres' ? 'timestamptz' : 'datetime',
      precision: 3,
    }),
    document: (name: string): TableColumnOptions => ({
      name,
      type: db === 'mysql' ? 'mediumtext' : 'text',
      isNullable: true,
    }),
    /** what the columns need before a table is created: PostgreSQL's citext extension */
    prepare: async (): Promise<void> => {
      if (db === 'postgres') {
        await qr.query('CREATE EXTENSION IF NOT EXISTS citext');
      }
    },
  };
}
