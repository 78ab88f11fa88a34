/**
 * The audit log through the real app on embedded SQLite and on MariaDB/MySQL:
 * every SCIM request is recorded after its response (401s without a tenant), no secret ever
 * reaches the table or the CLI, and retention prunes old entries in bounded DELETEs.
 */
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../../src/audit/audit.service';
import { RetentionService } from '../../src/audit/retention.service';
import {
  AuditEntry,
  AuditRepository,
  RateLimitRepository,
} from '../../src/core/ports/audit.repository';
import { AUDIT_REPOSITORY, RATE_LIMIT_REPOSITORY } from '../../src/core/ports/tokens';
import { oktaUser } from '../fixtures/users.factory';
import { TEST_DATABASES } from '../support/databases';
import { cli, parseJsonLines } from '../support/server-process';
import { ALL, SCIM_JSON, TestApp } from '../support/test-app';
import { query as dbQuery } from '../../src/persistence/repositories/sql.util';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

type Row = Record<string, unknown>;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe.each(TEST_DATABASES)('Audit log on %s', (kind) => {
  let t: TestApp;
  let ds: DataSource;
  let audit: AuditService;
  let token: string;
  let tokenId: string;
  let tenantId: string;

  beforeAll(async () => {
    // a generous limit: every request below also goes through the rate-limit upsert
    t = await TestApp.start(kind, { SCIM_RATE_LIMIT: '100000/86400' });
    ds = t.app.get<DataSource>(getDataSourceToken());
    audit = t.app.get(AuditService);
    tenantId = (await t.tenantService.createTenant('acme')).id;
    const issued = await t.tokens.issue('acme', 'okta', ALL);
    token = issued.token;
    tokenId = issued.record.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const auth = () => ({ Authorization: `Bearer ${token}` });

  /** the audit rows of these request ids, once all are written (they follow the responses) */
  async function rowsOf(requestIds: string[]): Promise<Row[]> {
    for (let i = 0; ; i++) {
      await audit.flush();
      const rows = (await dbQuery(
        ds,
        `SELECT * FROM scim_audit WHERE request_id IN (${requestIds.map(() => '?').join(', ')}) ORDER BY seq`,
        requestIds,
      )) as Row[];
      if (rows.length >= requestIds.length || i === 50) {
        return rows;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('records an Okta-style flow, no secret anywhere; the CLI shows it (table and JSON lines)', async () => {
    const passwords = [1, 2, 3].map(() => `Pw-${randomBytes(9).toString('base64url')}`);
    const body = oktaUser({ password: passwords[0] });
    const ids: string[] = [];
    const send = async (r: { header: Record<string, string>; status: number }, status: number) => {
      expect(r.status).toBe(status);
      ids.push(r.header['x-request-id']);
      return r;
    };
    const ua = 'Okta SCIM Client 1.0.0';
    // Okta: look-up by userName, create, PUT profile (with a password), deactivate, password change
    await send(
      await t.http
        .get(
          `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${body.userName}"`)}&startIndex=1&count=100`,
        )
        .set(auth())
        .set('User-Agent', ua),
      200,
    );
    const created = await send(
      await t.http
        .post('/scim/v2/Users')
        .set(auth())
        .set('User-Agent', ua)
        .set('Content-Type', SCIM_JSON)
        .send(JSON.stringify(body)),
      201,
    );
    const id = (created as unknown as { body: { id: string } }).body.id;
    await send(
      await t.http
        .put(`/scim/v2/Users/${id}`)
        .set(auth())
        .set('User-Agent', ua)
        .set('X-Request-Id', 'okta-put-0001')
        .send({ ...body, schemas: [USER_SCHEMA], id, password: passwords[1], title: 'Engineer' }),
      200,
    );
    await send(
      await t.http
        .patch(`/scim/v2/Users/${id}`)
        .set(auth())
        .set('User-Agent', ua)
        .send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] }),
      200,
    );
    await send(
      await t.http
        .patch(`/scim/v2/Users/${id}`)
        .set(auth())
        .set('User-Agent', ua)
        .send({
          schemas: [PATCH_OP],
          Operations: [{ op: 'replace', path: 'password', value: passwords[2] }],
        }),
      200,
    );
    await send(
      await t.http.get('/scim/v2/Users/does-not-exist').set(auth()).set('User-Agent', ua),
      404,
    );
    expect(ids[2]).toBe('okta-put-0001');

    const rows = await rowsOf(ids);
    expect(rows.map((r) => [r.method, Number(r.status), r.resource_type, r.resource_id])).toEqual([
      ['GET', 200, 'User', null],
      ['POST', 201, 'User', id],
      ['PUT', 200, 'User', id],
      ['PATCH', 200, 'User', id],
      ['PATCH', 200, 'User', id],
      ['GET', 404, 'User', 'does-not-exist'],
    ]);
    for (const r of rows) {
      expect(r).toMatchObject({ tenant_id: tenantId, token_id: tokenId, user_agent: ua });
      expect(r.client_ip).toMatch(/127\.0\.0\.1/);
      expect(Number(r.latency_ms)).toBeGreaterThanOrEqual(0);
      expect(Date.now() - Date.parse(String(r.at))).toBeLessThan(60_000);
    }
    expect(rows[0].path).toContain('/scim/v2/Users?filter=');
    expect(rows[0].body).toBeNull();
    const put = JSON.parse(String(rows[2].body)) as Record<string, unknown>;
    expect(put).toMatchObject({
      userName: body.userName,
      title: 'Engineer',
      password: '[REDACTED]',
    });
    expect(JSON.parse(String(rows[4].body))).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'password', value: '[REDACTED]' }],
    });

    const secrets = [...passwords, token];
    const table = JSON.stringify(await ds.query('SELECT * FROM scim_audit'));
    const jsonLines = cli(t.db.url, 'audit', '--tenant', 'acme', '--since', '1h', '--json');
    const printed = cli(t.db.url, 'audit', '--tenant', 'acme', '--since', '1h');
    for (const text of [table, jsonLines, printed]) {
      for (const secret of secrets) {
        expect(text).not.toContain(secret);
      }
    }

    const entries = jsonLines
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const ours = entries.filter((e) => ids.includes(String(e.requestId)));
    expect(ours.map((e) => e.requestId)).toEqual(ids);
    expect(ours[2]).toMatchObject({
      method: 'PUT',
      status: 200,
      tokenId,
      resourceId: id,
      tenantId,
      // the token names no profile: the request ran under the default
      profile: 'default',
    });
    const header = printed.split('\n')[0];
    expect(header.split(/\s+/)).toEqual([
      'time',
      'method',
      'path',
      'status',
      'latency',
      'token',
      'profile',
      'ip',
      'error',
    ]);
    expect(printed).toMatch(
      new RegExp(`PATCH\\s+/scim/v2/Users/${id}\\s+200\\s+\\d+ ms\\s+${tokenId}\\s+default`),
    );
  });

  it('keeps why a refused request was refused (status, scimType, detail); the CLI shows it', async () => {
    const user = oktaUser();
    const first = await t.http.post('/scim/v2/Users').set(auth()).set('X-Request-Id', `why-ok-${kind}`).send(user);
    expect(first.status).toBe(201);
    const taken = await t.http.post('/scim/v2/Users').set(auth()).set('X-Request-Id', `why-409-${kind}`).send(user);
    const badFilter = await t.http
      .get(`/scim/v2/Users?filter=${encodeURIComponent('userName eq')}`)
      .set(auth())
      .set('X-Request-Id', `why-400-${kind}`);
    const unauthenticated = await t.http.get('/scim/v2/Groups').set('X-Request-Id', `why-401-${kind}`);
    const refused = [taken, badFilter, unauthenticated];
    expect(refused.map((r) => [r.status, r.body.scimType])).toEqual([
      [409, 'uniqueness'],
      [400, 'invalidFilter'],
      [401, undefined],
    ]);

    const ids = ['ok', '409', '400', '401'].map((s) => `why-${s}-${kind}`);
    const rows = await rowsOf(ids);
    // exactly what the client was told, next to the redacted request
    expect(rows.map((r) => [r.request_id, r.error_status === null ? null : Number(r.error_status), r.error_scim_type, r.error_detail])).toEqual([
      [ids[0], null, null, null],
      ...refused.map((r, i) => [ids[i + 1], r.status, r.body.scimType ?? null, r.body.detail]),
    ]);
    expect(JSON.parse(String(rows[1].body))).toMatchObject({ userName: user.userName, password: '[REDACTED]' });

    const lines = parseJsonLines(cli(t.db.url, 'audit', '--since', '1h', '--limit', '100000', '--json')).filter((e) =>
      ids.includes(String(e.requestId)),
    );
    expect(lines.map((e) => e.error)).toEqual([
      null,
      ...refused.map((r) => ({ status: r.status, scimType: r.body.scimType ?? null, detail: r.body.detail })),
    ]);
    const printed = cli(t.db.url, 'audit', '--tenant', 'acme', '--since', '1h', '--limit', '100000');
    expect(printed.split('\n')[0]).toMatch(/\bip +error$/);
    expect(printed).toMatch(new RegExp(`POST +/scim/v2/Users +409 .* 409 uniqueness: ${escape(String(taken.body.detail).slice(0, 60))}`));
    expect(printed).toMatch(/GET +\/scim\/v2\/Users\?filter=userName%20eq +400 .* 400 invalidFilter: \S/);
  });

  it('records 401s with no tenant and no token, and never the token a client sent', async () => {
    const wrong = `scim_${randomBytes(32).toString('base64url')}`;
    const inQuery = `scim_${randomBytes(32).toString('base64url')}`;
    const a = await t.http.get('/scim/v2/Users').set('Authorization', `Bearer ${wrong}`);
    const b = await t.http.get(`/scim/v2/Users?access_token=${inQuery}&count=1`);
    const c = await t.http.post('/scim/v2/Users').send(oktaUser({ password: 'Leak-Me-Not-1' }));
    expect([a.status, b.status, c.status]).toEqual([401, 401, 401]);
    const rows = await rowsOf([a, b, c].map((r) => r.header['x-request-id']));
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r).toMatchObject({ tenant_id: null, token_id: null, status: expect.anything() });
      expect(Number(r.status)).toBe(401);
    }
    expect(rows[1].path).toBe('/scim/v2/Users?access_token=[REDACTED]&count=1');
    const table = JSON.stringify(await ds.query('SELECT * FROM scim_audit'));
    for (const secret of [wrong, inQuery, 'Leak-Me-Not-1']) {
      expect(table).not.toContain(secret);
    }
    // the CLI without --tenant lists every tenant and the unauthenticated requests
    const all = await audit.search({ limit: 1000 });
    expect(all.filter((e) => e.tenantId === null).map((e) => e.requestId)).toEqual(
      expect.arrayContaining(rows.map((r) => r.request_id)),
    );
  });

  it('accepts a token only in the Authorization header (RFC 6750 §2.1): URI and body tokens get 401 and are redacted', async () => {
    const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
    const search = { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], count: 1 };
    // a valid token, but in the URI query (§2.3) or the body (§2.2): refused
    const refused = [
      await t.http.get(`/scim/v2/Users?access_token=${token}&count=1`),
      await t.http.get(`/scim/v2/Users?ACCESS_TOKEN=${token}`),
      await t.http.get(`/scim/v2/Users?access%5Ftoken=${token}`),
      await t.http.post('/scim/v2/Users/.search').send({ ...search, access_token: token }),
    ];
    // the form-encoded body of §2.2 is not even parsed (415), so it never authenticates either
    const form = await t.http.post('/scim/v2/Users/.search').type('form').send(`access_token=${token}`);
    expect(form.status).toBe(415);
    for (const r of refused) {
      expect(r.status).toBe(401);
      expect(r.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(r.body).toMatchObject({ schemas: [ERROR], status: '401' });
    }
    // the header authenticates; a token in the query as well is ignored and still redacted
    const both = [
      await t.http.get(`/scim/v2/Users?count=1&access_token=${token}`).set(auth()),
      await t.http.get(`/scim/v2/Users?Access%5FToken=${token}&client_secret=s3cr3t-value`).set(auth()),
      await t.http.post('/scim/v2/Users/.search').set(auth()).send({ ...search, access_token: token }),
    ];
    expect(both.map((r) => r.status)).toEqual([200, 200, 200]);

    const rows = await rowsOf([...refused, ...both].map((r) => r.header['x-request-id']));
    expect(rows).toHaveLength(refused.length + both.length);
    expect(rows.map((r) => r.path)).toEqual([
      '/scim/v2/Users?access_token=[REDACTED]&count=1',
      '/scim/v2/Users?ACCESS_TOKEN=[REDACTED]',
      '/scim/v2/Users?access%5Ftoken=[REDACTED]',
      '/scim/v2/Users/.search',
      '/scim/v2/Users?count=1&access_token=[REDACTED]',
      '/scim/v2/Users?Access%5FToken=[REDACTED]&client_secret=[REDACTED]',
      '/scim/v2/Users/.search',
    ]);
    expect(rows.slice(0, refused.length).map((r) => r.token_id)).toEqual(refused.map(() => null));
    expect(rows.slice(refused.length).map((r) => r.token_id)).toEqual(both.map(() => tokenId));
    expect(JSON.parse(rows[3].body as string)).toMatchObject({ access_token: '[REDACTED]' });
    expect(JSON.parse(rows[6].body as string)).toMatchObject({ access_token: '[REDACTED]' });
    const table = JSON.stringify(await ds.query('SELECT * FROM scim_audit'));
    expect(table).not.toContain(token);
    expect(table).not.toContain('s3cr3t-value');
  });

  it('prunes entries older than the retention and ended rate-limit windows, in batches', async () => {
    const repo = t.app.get<AuditRepository>(AUDIT_REPOSITORY);
    const windows = t.app.get<RateLimitRepository>(RATE_LIMIT_REPOSITORY);
    const now = Date.now();
    const entry = (days: number, requestId: string): AuditEntry => ({
      at: new Date(now - days * 86_400_000).toISOString(),
      tenantId,
      tokenId,
      requestId,
      method: 'GET',
      path: '/scim/v2/Users',
      resourceType: 'User',
      resourceId: null,
      status: 200,
      latencyMs: 1,
      clientIp: '127.0.0.1',
      userAgent: null,
      body: null,
      profile: null,
      error: null,
    });
    // more old entries than one DELETE removes (1000): the pruning loops
    const old = Array.from({ length: 1005 }, (_, i) => entry(91, `old-${i}`));
    await repo.append([...old, entry(89, 'recent-1')]);
    const nowSec = Math.floor(now / 1000);
    const current = Math.floor(nowSec / 60) * 60;
    await windows.hit('pruned-token', current - 2 * 86_400);
    expect(await windows.hit('kept-token', current)).toBe(1);
    expect(await windows.hit('kept-token', current)).toBe(2);

    const pruned = await t.app.get(RetentionService).prune(now);
    expect(pruned.audit).toBe(1005);
    expect(pruned.rateLimits).toBeGreaterThanOrEqual(1);
    const left = (await ds.query(
      "SELECT request_id FROM scim_audit WHERE request_id LIKE 'old-%' OR request_id = 'recent-1'",
    )) as Row[];
    expect(left.map((r) => r.request_id)).toEqual(['recent-1']);
    const counters = (await ds.query(
      'SELECT token_id, count FROM scim_rate_limits ORDER BY token_id',
    )) as Row[];
    expect(counters.map((r) => r.token_id)).not.toContain('pruned-token');
    expect(counters.find((r) => r.token_id === 'kept-token')?.count).toEqual(2);
    // the flow above counted its requests in the database too (one-day windows: the flow's
    // window cannot have ended before the prune, which would make this flaky)
    expect(counters.find((r) => r.token_id === tokenId)).toBeDefined();
  });
});
