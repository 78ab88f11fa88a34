/**
 * The rule for the IdP profiles (docs/idp/profiles.md), end to end on SQLite and MariaDB/MySQL:
 * where RFC 7643/7644 defines the outcome of a request, the default profile gives that outcome;
 * a deviation that changes the outcome of an RFC-valid request is on only in the profile of the
 * IdP that needs it. Each case runs the same request under the default and under the IdP's
 * profile.
 */
import { oktaUser } from '../fixtures/users.factory';
import { TEST_DATABASES } from '../support/databases';
import { SCIM_JSON, TestApp } from '../support/test-app';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

type Res = { status: number; body: Record<string, any>; headers: Record<string, string> };

describe.each(TEST_DATABASES)('IdP profiles on %s', (kind) => {
  let t: TestApp;
  /** tokens by profile; `lenient` is a token without a profile (the server default) */
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await TestApp.start(kind);
    tokens.lenient = await t.token('acme');
    for (const p of ['rfc-strict', 'entra', 'okta'] as const) {
      tokens[p] = (await t.tokens.issue('acme', p, ['users:write', 'groups:write'], undefined, p)).token;
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const send = (method: 'post' | 'patch', path: string, body: unknown, profile = 'lenient'): Promise<Res> =>
    t.http[method](`/scim/v2${path}`)
      .set('Authorization', `Bearer ${tokens[profile]}`)
      .set('Content-Type', SCIM_JSON)
      .send(JSON.stringify(body)) as unknown as Promise<Res>;
  const patch = (path: string, ops: unknown[], profile = 'lenient') =>
    send('patch', path, { schemas: [PATCH_OP], Operations: ops }, profile);
  const expectScimError = (res: Res, status: number, scimType: string) => {
    expect(res.status).toBe(status);
    expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
    expect(res.body.scimType).toBe(scimType);
  };
  /** a user with a work phone only */
  const newUser = async (): Promise<string> => {
    const { emails: _e, ...body } = oktaUser();
    const res = await send('post', '/Users', { ...body, phoneNumbers: [{ type: 'work', value: '555-0100' }] });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  describe('a filtered replace that matches nothing (RFC 7644 §3.5.2.3, docs/idp/quirks.md #9)', () => {
    it.each(['lenient', 'rfc-strict', 'okta'])('%s: replace phoneNumbers[type eq "fax"].value -> 400 noTarget, nothing written', async (profile) => {
      const id = await newUser();
      const res = await patch(`/Users/${id}`, [{ op: 'replace', path: 'phoneNumbers[type eq "fax"].value', value: '555-0199' }], profile);
      expectScimError(res, 400, 'noTarget');
      const after = await t.http.get(`/scim/v2/Users/${id}`).set('Authorization', `Bearer ${tokens.lenient}`);
      expect(after.body.phoneNumbers).toEqual([{ type: 'work', value: '555-0100' }]);
      expect(after.body.meta.version).toBe('W/"1"');
    });

    it('lenient: replace emails[type eq "fax"].value on a user without emails -> 400 noTarget', async () => {
      const id = await newUser();
      expectScimError(await patch(`/Users/${id}`, [{ op: 'replace', path: 'emails[type eq "fax"].value', value: 'f@example.com' }]), 400, 'noTarget');
    });

    it('entra: the same replace creates the value from the filter (Entra expects it)', async () => {
      const id = await newUser();
      const res = await patch(`/Users/${id}`, [{ op: 'Replace', path: 'phoneNumbers[type eq "fax"].value', value: '555-0199' }], 'entra');
      expect(res.status).toBe(200);
      expect(res.body.phoneNumbers).toEqual([
        { type: 'work', value: '555-0100' },
        { type: 'fax', value: '555-0199' },
      ]);
    });

    it('lenient and entra: an add with a filter that matches nothing creates the value (RFC 7644 §3.5.2.1 has no value-filter rule); rfc-strict: noTarget', async () => {
      for (const profile of ['lenient', 'entra']) {
        const id = await newUser();
        const res = await patch(`/Users/${id}`, [{ op: 'Add', path: 'emails[type eq "work"].value', value: `${profile}@example.com` }], profile);
        expect(res.status).toBe(200);
        expect(res.body.emails).toEqual([{ type: 'work', value: `${profile}@example.com` }]);
      }
      const id = await newUser();
      expectScimError(await patch(`/Users/${id}`, [{ op: 'add', path: 'emails[type eq "work"].value', value: 'x@example.com' }], 'rfc-strict'), 400, 'noTarget');
    });

    it('every profile: a replace whose filter matches replaces the matching value only', async () => {
      for (const profile of ['lenient', 'rfc-strict', 'entra', 'okta']) {
        const id = await newUser();
        const res = await patch(`/Users/${id}`, [{ op: 'replace', path: 'phoneNumbers[type eq "work"].value', value: '555-0111' }], profile);
        expect(res.status).toBe(200);
        expect(res.body.phoneNumbers).toEqual([{ type: 'work', value: '555-0111' }]);
      }
    });
  });
});
