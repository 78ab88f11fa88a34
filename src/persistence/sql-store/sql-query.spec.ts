import { filterCost } from '../../core/filter/filter.cost';
import { USER_INDEXES } from '../../core/filter/filter.cost.cases';
import { parseFilter } from '../../core/filter/filter.parser';
import { validateFilter } from '../../core/filter/filter.validator';
import { createDefaultRegistry } from '../../core/schema/schema.registry';
import { SqlQueries } from './sql-query';
import { GROUP_TABLE, USER_TABLE, genericTable } from './table-descriptor';

const registry = createDefaultRegistry();

describe('SqlQueries.filterIndexes (what the filter budget prices as look-ups)', () => {
  it('scim_users: id, its columns, created and lastModified, the value of each multi-valued attribute', () => {
    const q = new SqlQueries(USER_TABLE, 'sqlite', registry, registry.resourceType('User'));
    expect([...q.filterIndexes().indexed].sort()).toEqual([...USER_INDEXES.indexed].sort());
  });

  it('scim_groups: id, displayName, externalId, the meta columns, and members.value of its membership table', () => {
    const q = new SqlQueries(GROUP_TABLE, 'mysql', registry, registry.resourceType('Group'));
    expect([...q.filterIndexes().indexed].sort()).toEqual(
      ['id', 'displayName', 'externalId', 'meta.created', 'meta.lastModified', 'members.value'].sort(),
    );
  });

  it('the shared table: id, externalId and the values table (no index on its meta columns)', () => {
    const q = new SqlQueries(genericTable('Group'), 'sqlite', registry, registry.resourceType('Group'));
    expect(q.filterIndexes().indexed).toEqual(['id', 'externalId', 'members.value']);
  });

  it('prices the IdP look-ups on scim_users as look-ups', () => {
    const rt = registry.resourceType('User');
    const indexes = new SqlQueries(USER_TABLE, 'sqlite', registry, rt).filterIndexes();
    const cost = (text: string) =>
      filterCost(validateFilter(parseFilter(text), registry, rt), { registry, resourceType: rt, indexes });
    expect(cost('userName eq "a" or externalId eq "b" or displayName eq "c" or id eq "d"').terms).toEqual({
      lookup: 4,
    });
    expect(cost('emails[type eq "work" and value eq "a@example.com"]').total).toBe(13);
  });
});

describe('SqlQueries.keyAttributes (look-ups that find one row at most, through an index)', () => {
  const user = registry.resourceType('User');
  it.each([
    ['scim_users', USER_TABLE, 'sqlite', ['id', 'userName']],
    ['scim_groups', GROUP_TABLE, 'mysql', ['id', 'displayName']],
    ['the shared table', genericTable('Group'), 'sqlite', ['id']],
  ] as const)('%s', (_, d, dialect, keys) => {
    expect(new SqlQueries(d, dialect, registry, registry.resourceType(d.resourceType)).keyAttributes()).toEqual(keys);
  });

  // userName is caseExact:false: kept only as typed, `eq` compares it lower-cased (no index)
  const asTyped = {
    ...USER_TABLE,
    columns: [{ attribute: 'userName', column: 'login', type: 'string', unique: true } as const],
  };
  it('leaves out a unique caseExact:false column kept only as typed', () => {
    expect(new SqlQueries(asTyped, 'sqlite', registry, user).keyAttributes()).toEqual(['id']);
  });
  it('keeps it when MySQL compares the table case-insensitively', () => {
    const ci = { ...asTyped, collation: 'case-insensitive' as const };
    expect(new SqlQueries(ci, 'mysql', registry, user).keyAttributes()).toEqual(['id', 'userName']);
  });
});
