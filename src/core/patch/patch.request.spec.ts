import { isScimError } from '../errors/scim-error';
import { profileFor } from '../profile/idp-profile';
import { PATCH_OP_SCHEMA, parsePatchRequest } from './patch.request';

const strict = profileFor('rfc-strict');

describe('parsePatchRequest (RFC 7644 §3.5.2)', () => {
  it('docs/idp/quirks.md #1 normalizes "Add"/"Replace"/"Remove" to lower case', () => {
    const ops = parsePatchRequest(
      {
        schemas: [PATCH_OP_SCHEMA],
        Operations: [
          { op: 'Add', path: 'nickName', value: 'Babs' },
          { op: 'Replace', path: 'active', value: false },
          { op: 'Remove', path: 'title' },
        ],
      },
      strict,
    );
    expect(ops).toEqual([
      { op: 'add', path: 'nickName', value: 'Babs' },
      { op: 'replace', path: 'active', value: false },
      { op: 'remove', path: 'title' },
    ]);
  });

  it('RFC 7643 §2.5 keeps an explicit null value, drops an empty path', () => {
    const ops = parsePatchRequest(
      { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: '', value: null }] },
      strict,
    );
    expect(ops).toEqual([{ op: 'replace', value: null }]);
  });

  it.each([
    ['RFC 7644 §3.5.2 body not an object', [], 'invalidSyntax'],
    [
      'RFC 7644 §3.5.2 schemas not an array',
      { schemas: PATCH_OP_SCHEMA, Operations: [] },
      'invalidSyntax',
    ],
    ['RFC 7644 §3.5.2 no Operations', { schemas: [PATCH_OP_SCHEMA] }, 'invalidSyntax'],
    [
      'RFC 7644 §3.5.2 path not a string',
      { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'remove', path: 7 }] },
      'invalidPath',
    ],
    [
      'RFC 7644 §3.5.2.3 replace without value',
      { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'title' }] },
      'invalidValue',
    ],
    [
      'RFC 7644 §3.5.2.2 remove with a blank path',
      { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'remove', path: '  ' }] },
      'noTarget',
    ],
    [
      'RFC 7644 §3.5.2 op missing',
      { schemas: [PATCH_OP_SCHEMA], Operations: [{ path: 'title', value: 'x' }] },
      'invalidSyntax',
    ],
  ])('%s', (_n, body, scimType) => {
    let err: unknown;
    try {
      parsePatchRequest(body, strict);
    } catch (e) {
      err = e;
    }
    expect(isScimError(err) && err.scimType).toBe(scimType);
  });

  it('RFC 7644 §3.12 names an unknown op without serialising it: nested 100,000 deep is a 400', () => {
    let op: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) {
      op = [op];
    }
    const parse = (o: unknown) => () =>
      parsePatchRequest({ schemas: [PATCH_OP_SCHEMA], Operations: [{ op: o, path: 'title', value: 'x' }] }, strict);
    expect(parse(op)).toThrow(expect.objectContaining({ scimType: 'invalidSyntax' }));
    expect(parse(op)).toThrow(/got an array$/);
    expect(parse({ op: 'add' })).toThrow(/got an object$/);
    expect(parse(7)).toThrow(/got 7$/);
    expect(parse('Frobnicate')).toThrow(/got "Frobnicate"$/);
  });
});
