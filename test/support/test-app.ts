import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/server/bootstrap';
import { AppConfig, loadConfig } from '../../src/server/config/app.config';
import { Clock, Scope } from '../../src/library';
import { DatabaseKind, TestDatabase, createTestDatabase } from './databases';
import { ListeningApp } from './listening-app';

export const ALL: Scope[] = ['users:read', 'users:write', 'groups:read', 'groups:write'];

/** The full standalone app (Fastify, migrations applied) on a fresh real database. */
export class TestApp extends ListeningApp {
  private constructor(
    app: NestFastifyApplication,
    readonly db: TestDatabase,
    readonly config: AppConfig,
  ) {
    super(app);
  }

  /** `overrides.clock`: a time source the test moves (expiry checks) */
  static async start(
    kind: DatabaseKind,
    env: NodeJS.ProcessEnv = {},
    overrides: { clock?: Clock } = {},
  ): Promise<TestApp> {
    const db = await createTestDatabase(kind);
    const config = loadConfig({ DATABASE_URL: db.url, SCIM_BOOTSTRAP: 'false', ...env });
    const app = await createApp(config, false, overrides);
    await app.listen(0, '127.0.0.1');
    return new TestApp(app, db, config);
  }

  /**
   * The app on an existing database (not dropped on close: the caller owns it). Another process
   * (the CLI) changes that database while the app runs, and the tests read the effect on the
   * next request: so tokens are read on every request here unless `env` says otherwise (the
   * default one-second bound is pinned by test/e2e/multi-instance.e2e-spec.ts).
   */
  static async attach(url: string, env: NodeJS.ProcessEnv = {}): Promise<TestApp> {
    const config = loadConfig({ DATABASE_URL: url, SCIM_BOOTSTRAP: 'false', SCIM_TOKEN_CACHE_TTL_MS: '0', ...env });
    const app = await createApp(config, false);
    await app.listen(0, '127.0.0.1');
    return new TestApp(app, { kind: 'sqlite', url, drop: async () => undefined }, config);
  }

  /** A new tenant (created if needed) and a token with `scopes` in it. */
  async token(tenant = 'acme', scopes: Scope[] = ALL): Promise<string> {
    if (!(await this.tenantService.listTenants()).some((t) => t.slug === tenant)) {
      await this.tenantService.createTenant(tenant);
    }
    return (await this.tokens.issue(tenant, `test-${scopes.join('-')}`, scopes)).token;
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.db.drop();
  }
}

export const SCIM_JSON = 'application/scim+json';
