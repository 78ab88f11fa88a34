/**
 * Bulk operations that reference each other in a cycle (RFC 7644 §3.7.1) are applied whole or
 * not at all, on SQLite and MariaDB: two users, each the manager of the other, are created and
 * then completed in one transaction. A completion refused part-way (a host's lifecycle hook
 * vetoes it) keeps nothing of the set, no change event and no after-hook; a server process
 * killed with SIGKILL inside the set (after its first create, or in its completing update) is
 * restarted on the same database and nothing of the set is there. Operations outside the cycle
 * still commit one by one.
 */
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import { join } from 'node:path';
import request from 'supertest';
import {
  CreatedHookEvent,
  OUTBOX_REPOSITORY,
  OutboxRepository,
  ScimError,
  ScimLifecycleHooks,
  ScimModule,
  TenantService,
  TokenService,
  UpdateHookEvent,
  buildDataSourceOptions,
} from '../../src/library';
import { ENTERPRISE, USER_SCHEMA } from '../fixtures/users.factory';
import { DatabaseKind, TEST_DATABASES, TestDatabase, createTestDatabase } from '../support/databases';
import { ServerProcess, cli, parseJsonLines } from '../support/server-process';
import { ALL, SCIM_JSON } from '../support/test-app';

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const PRELOAD = join(__dirname, '..', 'support', 'pause-at-sql.preload.js');

interface OpResult {
  status: string;
  location?: string;
  response?: { status: string; detail?: string };
}

/** Users `a` and `b`, each the manager of the other, after a plain POST of `first`. */
const managerCycle = (first: string, a: string, b: string) => {
  const user = (userName: string, manager: string) => ({
    schemas: [USER_SCHEMA, ENTERPRISE],
    userName,
    [ENTERPRISE]: { manager: { value: `bulkId:${manager}` } },
  });
  return {
    schemas: [BULK_REQUEST],
    Operations: [
      { method: 'POST', path: '/Users', bulkId: 'first', data: { schemas: [USER_SCHEMA], userName: first } },
      { method: 'POST', path: '/Users', bulkId: 'a', data: user(a, 'b') },
      { method: 'POST', path: '/Users', bulkId: 'b', data: user(b, 'a') },
    ],
  };
};

/** A host's hooks: no manager may be set on an existing user of veto.example; records creates. */
@Injectable()
class ManagerPolicyHooks implements ScimLifecycleHooks {
  readonly created: string[] = [];

  beforeUpdate(e: UpdateHookEvent): void {
    if (String(e.after.userName).endsWith('@veto.example') && e.after[ENTERPRISE] !== undefined) {
      throw ScimError.forbidden('this host assigns the managers of veto.example itself');
    }
  }

  afterCreate(e: CreatedHookEvent): void {
    this.created.push(String(e.resource.userName));
  }
}

describe.each(TEST_DATABASES)('Bulk circular sets are all-or-nothing on %s', (kind: DatabaseKind) => {
  describe('a completion refused inside the set', () => {
    let db: TestDatabase;
    let app: NestFastifyApplication;
    let token: string;
    let tenantId: string;

    beforeAll(async () => {
      db = await createTestDatabase(kind);
      @Module({
        imports: [
          TypeOrmModule.forRoot(buildDataSourceOptions({ url: db.url, migrationsRun: true })),
          ScimModule.forRoot({
            tokenPepper: 'bulk-atomic-test-pepper-0123456789',
            hooks: [ManagerPolicyHooks],
          }),
        ],
      })
      class HostModule {}
      app = await NestFactory.create<NestFastifyApplication>(HostModule, new FastifyAdapter(), {
        logger: false,
      });
      await app.listen(0, '127.0.0.1');
      tenantId = (await app.get(TenantService).createTenant('acme')).id;
      token = (await app.get(TokenService).issue('acme', 'bulk', ALL)).token;
    });
    afterAll(async () => {
      await app?.close();
      await db?.drop();
    });

    const http = () => {
      const { port } = app.getHttpServer().address() as { port: number };
      return request(`http://127.0.0.1:${port}`);
    };
    const bulk = (body: unknown) =>
      http()
        .post('/scim/v2/Bulk')
        .set({ Authorization: `Bearer ${token}` })
        .send(body as object);
    const userNames = async () =>
      (
        (await http().get('/scim/v2/Users').set({ Authorization: `Bearer ${token}` })).body.Resources as {
          userName: string;
        }[]
      ).map((u) => u.userName);
    const hooks = () => app.get(ManagerPolicyHooks, { strict: false });
    const outbox = () => app.get<symbol, OutboxRepository>(OUTBOX_REPOSITORY, { strict: false });

    it('a vetoed completion: neither user, no change event, no after-hook; the rest commits', async () => {
      const res = await bulk(managerCycle('first@ok.example', 'alice@veto.example', 'bob@veto.example'));
      expect(res.status).toBe(200);
      const [first, alice, bob] = res.body.Operations as OpResult[];
      expect(first.status).toBe('201');
      // the first completion (alice's) fails; bob's create is rolled back with it
      expect(alice).toMatchObject({ status: '409', response: { status: '409' } });
      expect(alice.response?.detail).toMatch(
        /Circular references could not be resolved .*assigns the managers of veto\.example/,
      );
      expect(bob).toMatchObject({ status: '409' });
      expect(bob.response?.detail).toMatch(/Not applied: Operations\[1\] failed/);
      expect([alice.location, bob.location]).toEqual([undefined, undefined]);

      expect(await userNames()).toEqual(['first@ok.example']);
      const events = await outbox().list({ tenantId, limit: 100 });
      const firstId = first.location!.split('/').pop();
      expect(events.map((e) => [e.operation, e.resourceId])).toEqual([['created', firstId]]);
      expect(hooks().created).toEqual(['first@ok.example']);
    });

    it('an accepted set commits whole: both users, their managers, events and after-hooks', async () => {
      hooks().created.length = 0;
      const res = await bulk(managerCycle('second@ok.example', 'carol@ok.example', 'dave@ok.example'));
      const ops = res.body.Operations as OpResult[];
      expect(ops.map((o) => o.status)).toEqual(['201', '201', '201']);
      const [carolId, daveId] = ops.slice(1).map((o) => o.location!.split('/').pop()!);
      const get = (id: string) =>
        http().get(`/scim/v2/Users/${id}`).set({ Authorization: `Bearer ${token}` });
      expect((await get(carolId)).body[ENTERPRISE].manager.value).toBe(daveId);
      expect((await get(daveId)).body[ENTERPRISE].manager.value).toBe(carolId);
      const events = await outbox().list({ tenantId, limit: 100 });
      const of = (id: string) => events.filter((e) => e.resourceId === id).map((e) => e.operation).sort();
      expect([of(carolId), of(daveId)]).toEqual([
        ['created', 'replaced'],
        ['created', 'replaced'],
      ]);
      expect(hooks().created.sort()).toEqual(['carol@ok.example', 'dave@ok.example', 'second@ok.example']);
    });
  });

  describe('a server killed (SIGKILL) inside the set', () => {
    let db: TestDatabase;
    let token: string;
    let server: ServerProcess | undefined;

    beforeAll(async () => {
      db = await createTestDatabase(kind);
      cli(db.url, 'migration', 'run');
      cli(db.url, 'tenant', 'create', 'acme');
      const scopes = ['--scopes', 'users:write'];
      token = cli(db.url, 'token', 'create', '--tenant', 'acme', '--name', 'kill', ...scopes).trim();
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
      await db?.drop();
    });

    const on = (s: ServerProcess) => {
      const url = new URL(s.baseUrl);
      const auth = { Authorization: `Bearer ${token}` };
      return {
        bulk: (body: unknown) =>
          request(url.origin)
            .post(`${url.pathname}/Bulk`)
            .set({ ...auth, 'Content-Type': SCIM_JSON })
            .send(JSON.stringify(body)),
        users: async (prefix: string) =>
          (
            await request(url.origin)
              .get(`${url.pathname}/Users`)
              .query({ filter: `userName sw "${prefix}"` })
              .set(auth)
          ).body as { totalResults: number; Resources?: { id: string; userName: string }[] },
      };
    };

    it.each([
      ['after its first create', 1, 'INSERT INTO scim_users\\b.*kill-1-a@'],
      ['in its completing update', 2, 'UPDATE scim_users SET\\b.*kill-2-a@'],
    ])(
      'killed %s: after a restart on the same database nothing of the set exists',
      async (_point, n, pauseAt) => {
        const names = ['first', 'a', 'b'].map((u) => `kill-${n}-${u}@example.com`);
        const body = managerCycle(names[0], names[1], names[2]);
        const paused = await ServerProcess.start(db.url, {
          MIGRATIONS_RUN: 'false',
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${PRELOAD}`.trim(),
          SCIM_TEST_PAUSE_AT_SQL: pauseAt,
        });
        server = paused;
        const answer = on(paused)
          .bulk(body)
          .then(
            (r) => r.status,
            (e: Error) => e.message,
          );
        const deadline = Date.now() + 20_000;
        while (!paused.stdout.includes('SCIM_TEST_PAUSED') && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
        }
        expect(paused.stdout).toContain('SCIM_TEST_PAUSED');
        const exited = new Promise((r) => paused.child.once('exit', r));
        paused.child.kill('SIGKILL');
        await exited;
        // the request never got an answer
        expect(typeof (await answer)).toBe('string');

        server = await ServerProcess.start(db.url, { MIGRATIONS_RUN: 'false' });
        const after = on(server);
        // the plain POST before the cycle committed on its own
        expect((await after.users(`kill-${n}-first@`)).totalResults).toBe(1);
        expect((await after.users(`kill-${n}-a@`)).totalResults).toBe(0);
        expect((await after.users(`kill-${n}-b@`)).totalResults).toBe(0);
        // no change event of a resource that does not exist
        const existing = new Set(((await after.users('kill-')).Resources ?? []).map((u) => u.id));
        const events = parseJsonLines<{ resourceId: string }>(cli(db.url, 'events', 'list', '--tenant', 'acme', '--json'));
        expect(events.filter((e) => !existing.has(e.resourceId))).toEqual([]);

        // the same set sent again (its first user now taken) commits whole
        const again = await after.bulk({ ...body, Operations: body.Operations.slice(1) });
        expect((again.body.Operations as OpResult[]).map((o) => o.status)).toEqual(['201', '201']);
        const [a, b] = (again.body.Operations as OpResult[]).map((o) => o.location!.split('/').pop());
        expect((await after.users(`kill-${n}-a@`)).Resources?.map((u) => u.id)).toEqual([a]);
        expect((await after.users(`kill-${n}-b@`)).Resources?.map((u) => u.id)).toEqual([b]);
        await server.stop();
        server = undefined;
      },
      90_000,
    );
  });
});
