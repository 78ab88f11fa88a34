/**
 * The conformance pack (`npm run conformance`, src/server/conformance) against the standalone
 * server in every profile it claims, against the host fixture that embeds ScimModule, and
 * against the example host app (examples/host-app), on SQLite and MariaDB/MySQL: no check
 * fails and nothing the pack created is left behind. The compiled entry point is run once as
 * a user runs it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TenantService, TokenService } from '../../src/library';
import { runConformance } from '../../src/server/conformance/conformance.runner';
import { PackProfile } from '../../src/server/conformance/conformance.types';
import { TEST_DATABASES, createTestDatabase } from '../support/databases';
import { EXAMPLE_HOST_VARIANTS, ExampleHost } from '../support/example-host';
import { startHostFixture } from '../support/host-fixture.module';
import { TestApp } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');
const WRITE = ['users:write', 'groups:write'] as const;

const baseOf = (app: NestFastifyApplication, path: string) =>
  `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}${path}`;

/** runs the pack and expects every check to pass and the clean-up to be complete */
async function passes(baseUrl: string, token: string, profile: PackProfile): Promise<void> {
  const lines: string[] = [];
  const report = await runConformance({ baseUrl, token, profile, log: (l) => lines.push(l) });
  expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
  expect(report.failed).toBe(0);
  expect(report.passed).toBe(report.results.length);
  expect(report.leftOver).toEqual([]);
}

/** how many users and groups the token's tenant has (the pack must leave them as it found them) */
async function counts(baseUrl: string, token: string): Promise<number[]> {
  const get = async (path: string) =>
    ((await (await fetch(`${baseUrl}${path}?count=0`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { totalResults: number }).totalResults;
  return [await get('/Users'), await get('/Groups')];
}

describe.each(TEST_DATABASES)('the conformance pack on %s', (kind) => {
  describe('against the standalone server', () => {
    let t: TestApp;
    let base: string;
    beforeAll(async () => {
      t = await TestApp.start(kind);
      base = baseOf(t.app, '/scim/v2');
    });
    afterAll(async () => {
      await t?.close();
    });

    it.each([
      ['okta', 'okta', 'okta'],
      ['entra', 'entra', 'entra'],
      ['rfc-strict', 'rfc', 'rfc-strict'],
      ['the default profile', 'rfc', undefined],
      ['the default profile', 'okta', undefined],
    ] as const)('a token under %s passes --profile %s', async (_label, pack, profile) => {
      const tenant = `conf-${profile ?? 'default'}-${pack}`;
      await t.tenantService.createTenant(tenant);
      const token = (await t.tokens.issue(tenant, 'conformance', [...WRITE], undefined, profile)).token;
      const before = await counts(base, token);
      await passes(base, token, pack);
      expect(await counts(base, token)).toEqual(before);
    });

    it('runs as `npm run conformance -- BASE_URL TOKEN --profile entra` (the compiled entry point)', async () => {
      await t.tenantService.createTenant('conf-cli');
      const token = (await t.tokens.issue('conf-cli', 'cli', [...WRITE], undefined, 'entra')).token;
      const main = join(ROOT, 'dist', 'src', 'server', 'conformance', 'main.js');
      // async spawn: the server answers from this process
      const run = (args: string[]) =>
        new Promise<{ status: number | null; stdout: string }>((resolve) => {
          const child = spawn('node', [main, ...args], { cwd: ROOT });
          let stdout = '';
          child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
          child.on('close', (status) => resolve({ status, stdout }));
        });
      const ok = await run([base, token, '--profile', 'entra']);
      const lines = ok.stdout.trim().split('\n');
      expect(lines.at(-1)).toMatch(/^\d+ passed, 0 failed$/);
      expect(lines.filter((l) => l.startsWith('PASS  ')).length).toBe(Number(lines.at(-1)!.split(' ')[0]));
      expect(ok.status).toBe(0);
      const wrong = await run([base, 'scim_not-a-token']);
      expect(wrong.status).toBe(1);
      // discovery needs no token; everything else fails
      expect(wrong.stdout.trim().split('\n').at(-1)).toMatch(/^1 passed, [1-9]\d* failed$/);
      expect(spawnSync('node', [main, base], { cwd: ROOT }).status).toBe(2);
      expect(spawnSync('node', [main, base, token, '--profile', 'azure'], { cwd: ROOT }).status).toBe(2);
    }, 60_000);
  });

  it('passes against a host application that embeds ScimModule (the host fixture)', async () => {
    const db = await createTestDatabase(kind);
    const app = await startHostFixture(
      { databaseUrl: db.url, scimTokenPepper: 'host-fixture-pepper-0123456789', scimMaxResults: 100, apiKey: 'k' },
      'forRoot',
    );
    try {
      await app.get(TenantService).createTenant('conf-host');
      const token = (await app.get(TokenService).issue('conf-host', 'conformance', [...WRITE])).token;
      await passes(baseOf(app, '/scim/v2'), token, 'okta');
    } finally {
      await app.close();
      await db.drop();
    }
  });

  // the example host runs on the databases its own migrations know (EXAMPLE_HOST_VARIANTS)
  if (EXAMPLE_HOST_VARIANTS.some(([k]) => k === kind)) {
    it('passes against the example host app (examples/host-app)', async () => {
      const host = await ExampleHost.start(kind, 'useClass');
      try {
        await host.tenantService.createTenant('okta', 'okta');
        const token = (await host.tokens.issue('okta', 'conformance', [...WRITE])).token;
        await passes(`${host.origin}/api/scim/v2`, token, 'okta');
      } finally {
        await host.close();
      }
    });
  }
});
