/**
 * One tenant cannot starve the others: a filter whose terms cannot use an index is priced
 * before anything runs (core/filter/filter.cost.ts), and one over the budget is 400
 * invalidFilter saying why, on /Users, /Groups, /Users/.search and the root /.search; the
 * filters IdPs send pass. SCIM_FILTER_BUDGET moves the limit. On SQLite and MariaDB.
 */
import { TEST_DATABASES } from '../support/databases';
import { SCIM_JSON, TestApp } from '../support/test-app';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

const ors = (n: number, term: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => term(i)).join(' or ');

/** the filter of the incident: 360 substring terms on emails */
const EXPENSIVE = ors(360, (i) => `emails.value co "u${i}@"`);

describe.each(TEST_DATABASES)('Filter budget on %s', (kind) => {
  let t: TestApp;
  let token: string;
  let userId: string;
  let groupId: string;
  const auth = () => ({ Authorization: `Bearer ${token}` });
  const list = (path: string, filter: string) => t.http.get(`/scim/v2/${path}`).query({ filter }).set(auth());
  const search = (path: string, filter: string) =>
    t.http.post(`/scim/v2/${path}`).set(auth()).set('Content-Type', SCIM_JSON).send({ schemas: [SEARCH], filter });

  beforeAll(async () => {
    t = await TestApp.start(kind);
    token = await t.token('acme');
    const user = await t.http
      .post('/scim/v2/Users')
      .set(auth())
      .set('Content-Type', SCIM_JSON)
      .send({
        schemas: [USER],
        userName: 'bjensen@example.com',
        externalId: '00u1',
        displayName: 'Babs Jensen',
        emails: [{ type: 'work', value: 'bjensen@example.com', primary: true }],
      });
    expect(user.status).toBe(201);
    userId = user.body.id;
    const group = await t.http
      .post('/scim/v2/Groups')
      .set(auth())
      .set('Content-Type', SCIM_JSON)
      .send({ schemas: [GROUP], displayName: 'Admins', members: [{ value: userId }] });
    expect(group.status).toBe(201);
    groupId = group.body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each([
    ['Users', 'userName eq "bjensen@example.com"'],
    ['Users', 'externalId eq "00u1"'],
    ['Users', 'displayName eq "Babs Jensen"'],
    ['Users', 'emails[type eq "work" and value eq "bjensen@example.com"]'],
    ['Groups', 'displayName eq "Admins"'],
    ['Groups', 'members[value eq "{user}"]'],
    ['Groups', 'id eq "{group}" and members[value eq "{user}"]'],
  ])('lets an IdP filter through: %s?filter=%s', async (path, filter) => {
    const res = await list(path, filter.replace('{user}', userId).replace('{group}', groupId));
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(1);
  });

  it('lets a group reconcile of 200 ids through', async () => {
    const res = await list('Users', ors(200, (i) => (i === 0 ? `id eq "${userId}"` : `id eq "missing-${i}"`)));
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(1);
  });

  it.each([
    ['GET /Users', () => list('Users', EXPENSIVE)],
    ['POST /Users/.search', () => search('Users/.search', EXPENSIVE)],
    ['POST /.search', () => search('.search', EXPENSIVE)],
    ['GET /Groups', () => list('Groups', ors(25, (i) => `displayName co "g${i}"`))],
    // too expensive for Users, unknown to Groups: still refused as too expensive
    ['POST /.search, on Users only', () => search('.search', ors(30, (i) => `title co "t${i}"`))],
  ])('refuses a filter over the budget with 400 invalidFilter: %s', async (_, send) => {
    const res = await send();
    expect({ status: res.status, scimType: res.body.scimType }).toEqual({ status: 400, scimType: 'invalidFilter' });
    expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
    expect(res.body.detail).toMatch(/^filter too expensive: \d+ substring terms \(co, ew\); at most \d+ /);
  });

  it('names the count of the incident and the limit', async () => {
    const res = await list('Users', EXPENSIVE);
    expect(res.body.detail).toMatch(/^filter too expensive: 360 substring terms \(co, ew\); at most 16 /);
  });
});

describe('Filter budget: SCIM_FILTER_BUDGET', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await TestApp.start('sqlite', { SCIM_FILTER_BUDGET: '10' });
    token = await t.token('acme');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('moves the limit', async () => {
    const get = (filter: string) =>
      t.http.get('/scim/v2/Users').query({ filter }).set({ Authorization: `Bearer ${token}` });
    expect((await get('userName co "a"')).status).toBe(200);
    const res = await get('userName co "a" or displayName co "b"');
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/^filter too expensive: 2 substring terms \(co, ew\); at most 1 .*the budget is 10\)/);
  });
});
