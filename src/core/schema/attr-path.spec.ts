import { parseAttrPath, formatAttrPath } from './attr-path';

describe('parseAttrPath (RFC 7644 §3.10)', () => {
  it.each([
    ['userName', { attr: 'userName' }],
    ['name.familyName', { attr: 'name', sub: 'familyName' }],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
      { uri: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', attr: 'employeeNumber' },
    ],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
      { uri: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', attr: 'manager', sub: 'value' },
    ],
    ['members.$ref', { attr: 'members', sub: '$ref' }],
  ])('%s', (text, expected) => {
    expect(parseAttrPath(text)).toEqual(expected);
    expect(formatAttrPath(parseAttrPath(text)!)).toBe(text);
  });

  it.each(['', 'a.b.c', '1abc', 'name.', 'urn:x:'])('rejects %j', (text) => {
    expect(parseAttrPath(text)).toBeUndefined();
  });
});
