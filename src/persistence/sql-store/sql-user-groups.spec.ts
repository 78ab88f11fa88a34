import { directGroupsOf } from './sql-user-groups';

/** one group as the database writes it: each field `<bytes>:<value>`, a NULL as `-1:` */
const rec = (...fields: (string | number | null)[]) =>
  fields.map((f) => (f === null ? '-1:' : `${Buffer.byteLength(String(f))}:${f}`)).join('');

describe('directGroupsOf (groups_direct)', () => {
  it('no groups', () => {
    expect(directGroupsOf(null, 'u1', 'mysql')).toEqual({ groups: [], nested: false });
    expect(directGroupsOf('', 'u1', 'sqlite')).toEqual({ groups: [], nested: false });
  });

  it('reads any display name, sorts by creation order and keeps the exact member id only', () => {
    const raw = [
      rec('u1', 'g2', 'Zürich: ops, 🚀', 0, 12, null),
      rec('U1', 'gX', 'other letter case', 0, 1, null),
      rec('u1', 'g1', null, 1, 3, null),
    ].join(',');
    expect(directGroupsOf(raw, 'u1', 'sqlite')).toEqual({
      groups: [
        { value: 'g1', display: null, type: 'direct' },
        { value: 'g2', display: 'Zürich: ops, 🚀', type: 'direct' },
      ],
      nested: true,
    });
  });

  it('orders by created time then row key when the table has no sequence', () => {
    const raw = [rec('u1', 'b', 'B', 0, '2025-02-01T00:00:00.000Z', 'k2'), rec('u1', 'a', 'A', 0, '2025-01-01T00:00:00.000Z', 'k9')].join(',');
    expect(directGroupsOf(raw, 'u1', 'mysql')?.groups.map((g) => g.value)).toEqual(['a', 'b']);
  });

  it('null (read groupsOf instead) when the list was cut or is not as written', () => {
    const one = rec('u1', 'g1', 'G', 0, 1, null);
    expect(directGroupsOf(one.slice(0, -4), 'u1', 'sqlite')).toBeNull();
    expect(directGroupsOf(`${one};${one}`, 'u1', 'sqlite')).toBeNull();
    // MySQL 8 cuts GROUP_CONCAT at 1,024 bytes by default: a list that long is not trusted
    const long = Array.from({ length: 40 }, (_, i) => rec('u1', `group-${i}`, 'x'.repeat(20), 0, i, null)).join(',');
    expect(directGroupsOf(long, 'u1', 'mysql')).toBeNull();
    expect(directGroupsOf(long, 'u1', 'sqlite')?.groups).toHaveLength(40);
    // PostgreSQL's string_agg has no length limit
    expect(directGroupsOf(long, 'u1', 'postgres')?.groups).toHaveLength(40);
  });
});
