import Database from 'better-sqlite3';
import { Registry } from 'prom-client';
import { StatementCounter, statementKind } from './statement-counter';

describe('statementKind', () => {
  it.each([
    ['SELECT 1', 'select'],
    ['  with recursive up(k) AS (SELECT 1) SELECT k FROM up', 'select'],
    ['/* hint */ INSERT INTO t VALUES (1)', 'insert'],
    ['INSERT IGNORE INTO t VALUES (1)', 'insert'],
    ['UPDATE t SET a = 1', 'update'],
    ['DELETE FROM t', 'delete'],
    ['BEGIN IMMEDIATE', 'begin'],
    ['START TRANSACTION', 'begin'],
    ['COMMIT', 'commit'],
    ['ROLLBACK', 'rollback'],
    ['PRAGMA foreign_keys = ON', 'other'],
    [{ sql: 'select * from t' }, 'select'],
    [{ text: 'UPDATE t SET a = $1', values: [1] }, 'update'],
    [undefined, 'other'],
  ])('%j is %s', (sql, kind) => {
    expect(statementKind(sql)).toBe(kind);
  });
});

describe('StatementCounter', () => {
  it('counts better-sqlite3 statement runs, and a request scope counts its own', async () => {
    const counter = StatementCounter.install();
    expect(StatementCounter.install()).toBe(counter);
    const db = new Database(':memory:');
    try {
      const before = { ...counter.total };
      const inRequests = { ...counter.inRequests };
      db.exec('CREATE TABLE t (a INTEGER)');
      const insert = db.prepare('INSERT INTO t (a) VALUES (?)');
      insert.run(1);
      await new Promise<void>((resolve) => {
        // a request's async context: its statements count as the request's until it ends
        setImmediate(() => {
          const scope = counter.beginRequest();
          void Promise.resolve().then(() => {
            insert.run(2);
            db.prepare('SELECT a FROM t').all();
            counter.endRequest(scope);
            insert.run(3);
            resolve();
          });
        });
      });
      expect(counter.total.insert - before.insert).toBe(3);
      expect(counter.total.select - before.select).toBe(1);
      expect(counter.total.other - before.other).toBe(1);
      expect(counter.inRequests.insert - inRequests.insert).toBe(1);
      expect(counter.inRequests.select - inRequests.select).toBe(1);
      // an ignored scope (/metrics itself) counts nothing
      await new Promise<void>((resolve) => {
        setImmediate(() => {
          counter.beginRequest(true);
          insert.run(4);
          resolve();
        });
      });
      expect(counter.total.insert - before.insert).toBe(3);
      const registry = new Registry();
      counter.register(registry);
      const lines = (await registry.metrics()).split('\n');
      expect(lines).toEqual(
        expect.arrayContaining([
          '# TYPE scim_db_statements_total counter',
          `scim_db_statements_total{kind="insert"} ${counter.total.insert}`,
          '# TYPE scim_db_request_statements_total counter',
          `scim_db_request_statements_total{kind="select"} ${counter.inRequests.select}`,
        ]),
      );
    } finally {
      db.close();
    }
  });
});
