/**
 * The calls Okta Identity Governance makes to a SCIM 2.0 app with Entitlement Management
 * (Okta's "Build a SCIM 2.0 server with entitlements" guide), replayed step by step so that a
 * spec can assert each answer: discovery (/ResourceTypes, then /Schemas for the extension URNs
 * it does not know), the catalogue import of every resource type whose core schema is Okta's
 * Role or Entitlement URN (a one-value probe, then every page), the user import, assignment
 * and revocation through the User's roles / entitlements, and deprovisioning.
 */
import request from 'supertest';

const ROLE = 'urn:okta:scim:schemas:core:1.0:Role';
const ENTITLEMENT = 'urn:okta:scim:schemas:core:1.0:Entitlement';
/** the schemas Okta knows without asking /Schemas */
const KNOWN = [
  ROLE,
  ENTITLEMENT,
  'urn:ietf:params:scim:schemas:core:2.0:User',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
];
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const PAGE = 100;

type Json = Record<string, any>;

export interface ImportedCatalogue {
  readonly name: string;
  readonly endpoint: string;
  readonly kind: 'Role' | 'Entitlement';
  /** the one-value probe's answer */
  readonly probe: Json;
  /** every value, page after page */
  readonly values: Json[];
}

export class OktaGovernance {
  constructor(
    private readonly http: () => request.Agent | ReturnType<typeof request>,
    private readonly base: string,
    private readonly token: string,
  ) {}

  private auth(req: request.Test): request.Test {
    return req.set('Authorization', `Bearer ${this.token}`).set('Accept', 'application/scim+json');
  }

  get(path: string): request.Test {
    return this.auth(this.http().get(`${this.base}${path}`));
  }

  send(method: 'post' | 'put' | 'patch', path: string, body: unknown): request.Test {
    return this.auth(this.http()[method](`${this.base}${path}`))
      .set('Content-Type', 'application/scim+json; charset=utf-8')
      .send(JSON.stringify(body));
  }

  /** 1. /ResourceTypes: the catalogue types are those with Okta's Role or Entitlement core schema */
  async resourceTypes(): Promise<{ all: Json[]; catalogues: Json[] }> {
    const res = await this.get('/ResourceTypes').expect(200);
    const all = res.body.Resources as Json[];
    return { all, catalogues: all.filter((rt) => rt.schema === ROLE || rt.schema === ENTITLEMENT) };
  }

  /** 2. /Schemas for the extension URNs of those types that Okta does not know */
  async extensionSchemas(types: readonly Json[]): Promise<Json[]> {
    const urns = [
      ...new Set(types.flatMap((rt) => (rt.schemaExtensions ?? []).map((e: Json) => e.schema as string))),
    ].filter((u) => !KNOWN.includes(u));
    const out: Json[] = [];
    for (const urn of urns) {
      out.push((await this.get(`/Schemas/${urn}`).expect(200)).body as Json);
    }
    return out;
  }

  /** 3. each catalogue: `?count=1&startIndex=1`, then every page of PAGE values */
  async importCatalogue(rt: Json): Promise<ImportedCatalogue> {
    const probe = (await this.get(`${rt.endpoint}?count=1&startIndex=1`).expect(200)).body as Json;
    const values: Json[] = [];
    for (let startIndex = 1; startIndex < 10_000; startIndex += PAGE) {
      const page = (await this.get(`${rt.endpoint}?startIndex=${startIndex}&count=${PAGE}`).expect(200)).body as Json;
      values.push(...((page.Resources as Json[]) ?? []));
      if (startIndex + PAGE > page.totalResults) {
        break;
      }
    }
    return { name: rt.name, endpoint: rt.endpoint, kind: rt.schema === ROLE ? 'Role' : 'Entitlement', probe, values };
  }

  /** 4. the user import, every page */
  async importUsers(): Promise<Json[]> {
    const users: Json[] = [];
    for (let startIndex = 1; startIndex < 10_000; startIndex += PAGE) {
      const page = (await this.get(`/Users?startIndex=${startIndex}&count=${PAGE}`).expect(200)).body as Json;
      users.push(...((page.Resources as Json[]) ?? []));
      if (startIndex + PAGE > page.totalResults) {
        break;
      }
    }
    return users;
  }

  /** 5. assignment: add values to a user's roles or entitlements */
  assign(userId: string, attribute: 'roles' | 'entitlements', items: Json[]): request.Test {
    return this.patch(userId, [{ op: 'add', path: attribute, value: items }]);
  }

  /** 6. revocation: remove one value by a value filter */
  revoke(userId: string, attribute: 'roles' | 'entitlements', value: string): request.Test {
    return this.patch(userId, [{ op: 'remove', path: `${attribute}[value eq ${JSON.stringify(value)}]` }]);
  }

  /** 7. deprovisioning: deactivate */
  deactivate(userId: string): request.Test {
    return this.patch(userId, [{ op: 'replace', value: { active: false } }]);
  }

  /** 8. deletion (Okta deletes when the app's deprovisioning says so) */
  delete(userId: string): request.Test {
    return this.auth(this.http().delete(`${this.base}/Users/${userId}`));
  }

  patch(userId: string, ops: Json[]): request.Test {
    return this.send('patch', `/Users/${userId}`, { schemas: [PATCH_OP], Operations: ops });
  }
}

export const OKTA_ROLE = ROLE;
export const OKTA_ENTITLEMENT = ENTITLEMENT;
