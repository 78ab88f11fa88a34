/**
 * The conformance pack's HTTP side: a small SCIM client over Node's fetch, the assertions the
 * checks use, and the run's bookkeeping (what it created, so that it can clean up).
 * It only speaks HTTP, so the pack runs against any deployment of the module.
 */

export const SCIM_JSON = 'application/scim+json';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** A JSON object as a SCIM answer carries it. */
export type Json = Record<string, any>;

export interface Reply {
  readonly status: number;
  readonly body: Json;
  readonly headers: Headers;
}

/** A check's failure: its message is the one line the pack prints. */
export class CheckFailure extends Error {}

export function fail(message: string): never {
  throw new CheckFailure(message);
}

export function expectStatus(r: Reply, ...allowed: number[]): void {
  if (!allowed.includes(r.status)) {
    const detail = typeof r.body?.detail === 'string' ? ` (${r.body.detail.slice(0, 160)})` : '';
    fail(`expected HTTP ${allowed.join(' or ')}, got ${r.status}${detail}`);
  }
}

export function expectEqual(actual: unknown, expected: unknown, what: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    fail(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

export function expectTrue(condition: boolean, what: string): void {
  if (!condition) {
    fail(what);
  }
}

/** RFC 7644 §3.12: an error is a SCIM error body with the status as a string. */
export function expectScimError(r: Reply, status: number, scimType?: string): void {
  expectStatus(r, status);
  expectTrue(
    Array.isArray(r.body.schemas) && r.body.schemas.includes(ERROR_SCHEMA),
    `a ${status} without a SCIM error body`,
  );
  expectEqual(r.body.status, String(status), 'the error status');
  if (scimType !== undefined) {
    expectEqual(r.body.scimType, scimType, 'the scimType');
  }
}

export class ScimClient {
  /** resources the run created, deleted at the end: `/Users/{id}`, `/Groups/{id}` */
  readonly created: string[] = [];

  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    private readonly userAgent: string,
  ) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        Accept: SCIM_JSON,
        'User-Agent': this.userAgent,
        ...(body !== undefined ? { 'Content-Type': SCIM_JSON } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let parsed: Json = {};
    if (text !== '') {
      try {
        parsed = JSON.parse(text) as Json;
      } catch {
        fail(`${method} ${path} answered ${res.status} with a body that is not JSON`);
      }
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  get(path: string): Promise<Reply> {
    return this.call('GET', path);
  }

  patch(path: string, operations: unknown[]): Promise<Reply> {
    return this.call('PATCH', path, { schemas: [PATCH_OP], Operations: operations });
  }

  /** `GET path?filter=...` plus other query parameters */
  list(path: string, filter: string, extra: Record<string, string> = {}): Promise<Reply> {
    const q = new URLSearchParams({ filter, ...extra });
    return this.get(`${path}?${q.toString()}`);
  }

  /** POST a resource expecting 201; records it for the clean-up */
  async create(path: '/Users' | '/Groups', body: unknown): Promise<Json> {
    const r = await this.call('POST', path, body);
    expectStatus(r, 201);
    expectTrue(typeof r.body.id === 'string' && r.body.id !== '', 'the created resource has no id');
    this.created.push(`${path}/${r.body.id}`);
    return r.body;
  }

  /** DELETEs what the run created, groups first; what is gone already is fine */
  async cleanUp(): Promise<string[]> {
    const left: string[] = [];
    const order = [...this.created].sort((a, b) => Number(b.startsWith('/Groups')) - Number(a.startsWith('/Groups')));
    for (const path of order) {
      try {
        const r = await this.call('DELETE', path);
        if (r.status !== 204 && r.status !== 404) {
          left.push(`${path} (${r.status})`);
        }
      } catch (e) {
        left.push(`${path} (${e instanceof Error ? e.message : String(e)})`);
      }
    }
    this.created.length = 0;
    return left;
  }
}

/** Unique names for one run, so that runs never collide with each other or with real data. */
export class RunNames {
  private n = 0;
  readonly run = Math.random().toString(36).slice(2, 10);

  userName(prefix = 'user'): string {
    return `conformance.${prefix}.${this.run}.${++this.n}@example.com`;
  }

  label(prefix: string): string {
    return `Conformance ${prefix} ${this.run} ${++this.n}`;
  }
}

/** A plain User body: what every client sends, with a work email (hosts may require one). */
export function plainUser(userName: string, extra: Json = {}): Json {
  return {
    schemas: [USER_SCHEMA],
    userName,
    externalId: `ext-${userName}`,
    name: { givenName: 'Con', familyName: 'Formance' },
    displayName: 'Con Formance',
    emails: [{ type: 'work', primary: true, value: userName }],
    active: true,
    ...extra,
  };
}
