import { DataSource } from 'typeorm';
import { AssertionJtiRepository } from '../../core/ports/client-assertion';
import { storeDialectOf } from './sql-dialect';
import { affected, execute, isUniqueViolation } from './sql.util';

/**
 * Assertion jtis in scim_oauth_assertion_jtis: the primary key makes the first INSERT of a
 * pair win on every instance; a second one is a unique violation, i.e. a replay.
 */
export class TypeOrmAssertionJtiRepository implements AssertionJtiRepository {
  constructor(private readonly ds: DataSource) {}

  async use(key: string, clientId: string, expiresAt: string): Promise<boolean> {
    try {
      await execute(
        this.ds,
        'INSERT INTO scim_oauth_assertion_jtis (jti_key, client_id, expires_at) VALUES (?, ?, ?)',
        [key, clientId, expiresAt],
      );
      return true;
    } catch (e) {
      if (isUniqueViolation(e) || isPrimaryKeyViolation(e)) {
        return false;
      }
      throw e;
    }
  }

  async pruneExpired(before: string, limit: number): Promise<number> {
    const sql = storeDialectOf(this.ds).boundedDelete('scim_oauth_assertion_jtis', 'expires_at < ?');
    return affected(await execute(this.ds, sql, [before, limit]));
  }
}

/** SQLite reports a duplicate primary key with its own code */
function isPrimaryKeyViolation(e: unknown): boolean {
  const d = (e as { driverError?: { code?: string } }).driverError;
  return d?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
