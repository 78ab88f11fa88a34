import { createDefaultRegistry } from '../../core/schema/schema.registry';
import { SqlQueries } from './sql-query';
import { GROUP_TABLE, TableDescriptor, USER_TABLE, checkedColumns, isoTime, keysOf, storedTime } from './table-descriptor';

/** a host's users table: its own primary key, the SCIM id beside it, no auto-increment key */
const HOST: TableDescriptor = {
  resourceType: 'User',
  table: 'host_users',
  keys: { seq: null, row: 'id', id: 'scim_id', tenant: 'scim_tenant_id', document: 'attrs', created: 'created_at', modified: 'updated_at' },
  times: 'datetime',
  collation: 'case-insensitive',
  readColumns: true,
  columns: [
    { attribute: 'userName', column: 'email', type: 'string', required: true, unique: 'table' },
    { attribute: 'displayName', column: 'full_name', fallback: 'name.formatted', type: 'string', maxLength: 10 },
    { attribute: 'active', column: 'is_active', type: 'boolean', whenAbsent: true },
  ],
};

describe('table descriptor keys', () => {
  it("defaults to the library's own column names, so its tables need no migration", () => {
    for (const d of [USER_TABLE, GROUP_TABLE]) {
      expect(keysOf(d)).toEqual({
        seq: 'seq',
        row: 'seq',
        id: 'id',
        tenant: 'tenant_id',
        document: 'doc',
        version: 'version',
        created: 'created',
        modified: 'last_modified',
        deletedAt: 'deleted_at',
      });
    }
  });

  it('takes the names a host table gives; without seq the row key defaults to the id', () => {
    expect(keysOf(HOST)).toMatchObject({ seq: undefined, row: 'id', id: 'scim_id', tenant: 'scim_tenant_id', document: 'attrs' });
    expect(keysOf({ ...HOST, keys: { seq: null, id: 'uuid', document: null } })).toMatchObject({
      row: 'uuid',
      document: undefined,
    });
  });

  it('reads and writes each table with its own names, in creation order without seq', () => {
    const registry = createDefaultRegistry();
    const rt = registry.resourceType('User');
    const lib = new SqlQueries(USER_TABLE, 'sqlite', registry, rt);
    expect(lib.select).toBe(
      'SELECT r.seq AS row_key, r.id AS id, r.tenant_id AS tenant_id, r.doc AS doc, r.version AS version, ' +
        'r.created AS created, r.last_modified AS last_modified FROM scim_users r',
    );
    expect(lib.orderBy({ startIndex: 1, count: 10 }).sql).toBe('r.seq ASC');
    const host = new SqlQueries(HOST, 'mysql', registry, rt);
    expect(host.select).toContain('r.id AS row_key, r.scim_id AS id, r.scim_tenant_id AS tenant_id, r.attrs AS doc');
    expect(host.select).toContain('r.email AS c_0, r.full_name AS c_1, r.is_active AS c_2 FROM host_users r');
    expect(host.orderBy({ startIndex: 1, count: 10, sortOrder: 'descending' }).sql).toBe('r.created_at DESC, r.id DESC');
    expect(host.live('t1')).toEqual({ sql: 'r.scim_tenant_id = ?', params: ['t1'] });
  });
});

describe('column values of a resource', () => {
  const values = (resource: Record<string, unknown>) =>
    Object.fromEntries(checkedColumns(HOST, resource).map(({ c, value }) => [c.attribute, value]));

  it('takes the fallback attribute and the value for absent attributes', () => {
    expect(values({ userName: 'a@b', name: { formatted: 'A B' } })).toEqual({
      userName: 'a@b',
      displayName: 'A B',
      active: true,
    });
    expect(values({ userName: 'a@b', displayName: 'Ann', name: { formatted: 'A B' }, active: false })).toEqual({
      userName: 'a@b',
      displayName: 'Ann',
      active: false,
    });
  });

  it('checks the fallback value against the column like the attribute', () => {
    expect(() => values({ userName: 'a@b', name: { formatted: 'far too long a name' } })).toThrow(/displayName is longer than 10/);
  });
});

describe('stored times', () => {
  it('writes SQL datetimes in UTC and reads them back as ISO-8601 from either driver', () => {
    expect(storedTime(HOST, '2024-01-02T03:04:05.678Z')).toBe('2024-01-02 03:04:05.678');
    expect(isoTime(HOST, '2024-01-02 03:04:05.678')).toBe('2024-01-02T03:04:05.678Z');
    expect(isoTime(HOST, new Date('2024-01-02T03:04:05.678Z'))).toBe('2024-01-02T03:04:05.678Z');
    expect(storedTime(USER_TABLE, '2024-01-02T03:04:05.678Z')).toBe('2024-01-02T03:04:05.678Z');
  });

  it('says UTC to PostgreSQL, which reads a time without a zone in the session TimeZone', () => {
    expect(storedTime(HOST, '2024-01-02T05:04:05.678+02:00', 'postgres')).toBe('2024-01-02 03:04:05.678Z');
    expect(storedTime(HOST, '2024-01-02T03:04:05.678Z', 'mysql')).toBe('2024-01-02 03:04:05.678');
    expect(storedTime(USER_TABLE, '2024-01-02T03:04:05.678Z', 'postgres')).toBe('2024-01-02T03:04:05.678Z');
  });
});
