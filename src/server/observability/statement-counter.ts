import { AsyncLocalStorage } from 'node:async_hooks';
import { Counter, Registry } from 'prom-client';

/** What a statement is, by its first keyword. */
export const STATEMENT_KINDS = ['select', 'insert', 'update', 'delete', 'begin', 'commit', 'rollback', 'other'] as const;
export type StatementKind = (typeof STATEMENT_KINDS)[number];

/** The statements of one HTTP request while it is served (`ignored`: /metrics itself). */
interface RequestScope {
  open: boolean;
  readonly ignored: boolean;
}

type Counts = Record<StatementKind, number>;

const zero = (): Counts => ({ select: 0, insert: 0, update: 0, delete: 0, begin: 0, commit: 0, rollback: 0, other: 0 });

/** The kind of a statement from its text (leading comments and whitespace skipped). */
export function statementKind(sql: unknown): StatementKind {
  // mysql2 takes `{ sql }`, pg a query config `{ text }`
  const config = sql as { sql?: unknown; text?: unknown } | null;
  const text = typeof sql === 'string' ? sql : (config?.sql ?? config?.text);
  if (typeof text !== 'string') {
    return 'other';
  }
  const m = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*([a-z]+)/i.exec(text);
  switch (m?.[1].toLowerCase()) {
    case 'select':
    case 'with':
      return 'select';
    case 'insert':
    case 'replace':
      return 'insert';
    case 'update':
      return 'update';
    case 'delete':
      return 'delete';
    case 'begin':
    case 'start':
      return 'begin';
    case 'commit':
      return 'commit';
    case 'rollback':
      return 'rollback';
    default:
      return 'other';
  }
}

/**
 * Counts the SQL statements this process sends, at the drivers (mysql2's query/execute,
 * better-sqlite3's statement runs, pg's Client#query), so that nothing above them (TypeORM, the store's own
 * read connection) can bypass it. Opt-in (SCIM_COUNT_STATEMENTS): installing it wraps driver
 * prototypes for the whole process. Statements issued while an HTTP request is served are
 * also counted as the request's (an async-local scope entered by the server's onRequest hook,
 * closed when the response is sent); the rest (the audit writer, the outbox dispatcher) are
 * background work. Statements made to answer /metrics are not counted at all.
 */
export class StatementCounter {
  private static installed: StatementCounter | undefined;
  readonly total: Counts = zero();
  readonly inRequests: Counts = zero();
  private readonly scope = new AsyncLocalStorage<RequestScope>();

  private constructor() {}

  /** The process's counter, wrapping the drivers on the first call. */
  static install(): StatementCounter {
    if (!StatementCounter.installed) {
      const counter = new StatementCounter();
      counter.wrapMysql2();
      counter.wrapBetterSqlite3();
      counter.wrapPg();
      StatementCounter.installed = counter;
    }
    return StatementCounter.installed;
  }

  /** Opens the scope of one request; returns what `endRequest` closes. */
  beginRequest(ignored = false): RequestScope {
    const s: RequestScope = { open: true, ignored };
    this.scope.enterWith(s);
    return s;
  }

  endRequest(s: RequestScope | undefined): void {
    if (s) {
      s.open = false;
    }
  }

  count(sql: unknown): void {
    const s = this.scope.getStore();
    if (s?.ignored && s.open) {
      return;
    }
    const kind = statementKind(sql);
    this.total[kind]++;
    if (s?.open) {
      this.inRequests[kind]++;
    }
  }

  /**
   * The counters as prom-client metrics in `registry` (scim_db_statements_total,
   * scim_db_request_statements_total by kind), read from this counter at each scrape: the
   * drivers' hot path only adds to a plain object.
   */
  register(registry: Registry): void {
    const counter = (name: string, help: string, counts: Counts) =>
      new Counter({
        name,
        help,
        labelNames: ['kind'],
        registers: [registry],
        collect() {
          this.reset();
          for (const k of STATEMENT_KINDS) {
            this.inc({ kind: k }, counts[k]);
          }
        },
      });
    counter('scim_db_statements_total', 'SQL statements sent to the database, by first keyword.', this.total);
    counter(
      'scim_db_request_statements_total',
      'SQL statements sent while an HTTP request was being served, by first keyword.',
      this.inRequests,
    );
  }

  /** mysql2: every statement goes through Connection#query or #execute (pools use them too). */
  private wrapMysql2(): void {
    let Connection: { prototype: object } | undefined;
    try {
      Connection = (require('mysql2') as { Connection: { prototype: object } }).Connection;
    } catch {
      return;
    }
    const proto = Object.getPrototypeOf(Connection.prototype) as Record<string, (...a: unknown[]) => unknown>;
    for (const name of ['query', 'execute']) {
      const original = proto[name];
      const counter = this;
      proto[name] = function (this: unknown, sql: unknown, ...rest: unknown[]) {
        counter.count(sql);
        return original.call(this, sql, ...rest);
      };
    }
  }

  /** pg: every statement goes through Client#query (a pool's clients are Clients too). */
  private wrapPg(): void {
    let Client: { prototype: Record<string, (...a: unknown[]) => unknown> };
    try {
      Client = (require('pg') as { Client: typeof Client }).Client;
    } catch {
      return;
    }
    const original = Client.prototype.query;
    const counter = this;
    Client.prototype.query = function (this: unknown, sql: unknown, ...rest: unknown[]) {
      counter.count(sql);
      return original.call(this, sql, ...rest);
    };
  }

  /**
   * better-sqlite3: every statement runs through Statement#run/#all/#get/#iterate (TypeORM and
   * the read connection cache prepared statements, so preparing is not counted); Database#exec
   * runs a script.
   */
  private wrapBetterSqlite3(): void {
    type Db = { prototype: Record<string, (...a: unknown[]) => unknown> } & (new (file: string) => {
      prepare(sql: string): object;
      close(): void;
    });
    let Database: Db;
    try {
      Database = require('better-sqlite3') as Db;
    } catch {
      return;
    }
    const probe = new Database(':memory:');
    const statement = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...a: unknown[]) => unknown>;
    probe.close();
    const counter = this;
    for (const name of ['run', 'all', 'get', 'iterate']) {
      const original = statement[name];
      statement[name] = function (this: { source?: string }, ...args: unknown[]) {
        counter.count(this.source);
        return original.apply(this, args);
      };
    }
    const exec = Database.prototype.exec;
    Database.prototype.exec = function (this: unknown, sql: unknown) {
      counter.count(sql);
      return exec.call(this, sql);
    };
  }
}
