import fc from 'fast-check';

/**
 * JSON documents for the fuzz spec, kept as a tree that serialises to exactly the text we
 * want to send: objects are key lists (so `__proto__`, `constructor` and duplicate keys reach
 * the server as written) and numbers may be raw literals JSON.stringify cannot produce
 * (`1e400`, `-0`, 30 digits).
 */

/** an object, its members in order, duplicates and `__proto__` included */
export class Obj {
  constructor(readonly entries: ReadonlyArray<readonly [string, J]>) {}

  /** how fast-check prints a counterexample: the JSON text, cut short */
  [fc.toStringMethod](): string {
    return short(toJson(this));
  }
}

/** a literal written into the JSON text as it is (a number JSON.stringify would not write) */
export class Raw {
  constructor(readonly text: string) {}

  [fc.toStringMethod](): string {
    return short(this.text);
  }
}

const short = (s: string) => (s.length > 400 ? `${s.slice(0, 300)}…(${s.length} chars)…${s.slice(-60)}` : s);

export type J = null | boolean | number | string | Raw | Obj | readonly J[];

export function toJson(j: J): string {
  if (j instanceof Raw) {
    return j.text;
  }
  if (j instanceof Obj) {
    return `{${j.entries.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
  }
  if (Array.isArray(j)) {
    return `[${(j as readonly J[]).map(toJson).join(',')}]`;
  }
  return JSON.stringify(j);
}

/** builds an Obj from a plain object literal (templates) */
export function obj(o: Record<string, J>): Obj {
  return new Obj(Object.entries(o));
}

export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

/** keys JavaScript objects carry on their prototype: `obj[key]` on a plain object finds them */
export const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  '__defineGetter__',
];

/**
 * Text without lone surrogates: well-formed Unicode (RFC 8259 §8.1). Lone surrogates are
 * another piece of work (collations and Unicode validation) and are deliberately not sent.
 */
export const text = (maxLength = 40) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        '"',
        '\\',
        "'",
        '\u0000',
        '\n\r\t',
        '%',
        '%00',
        '_',
        '*',
        '😀',
        'e\u0301',
        '\u202e',
        '\ufeff',
        'Ω≈ç√',
        'ß',
        'İ',
        'null',
        'true',
        '0',
        'bulkId:a',
        'urn:ietf:params:scim:schemas:core:2.0:User',
        "'; DROP TABLE scim_users; --",
        '../../etc/passwd',
        ...PROTOTYPE_KEYS,
      ),
    },
  );

export const hugeText = fc
  .tuple(fc.constantFrom('a', 'é', '😀', '"', '\\', ' '), fc.integer({ min: 256, max: 70_000 }))
  .map(([c, n]) => c.repeat(n));

const rawNumbers = fc.constantFrom(
  '1e400',
  '-1e400',
  '-0',
  '1e-400',
  '123456789012345678901234567890',
  '9007199254740993',
  '0.1e1',
  '1E+2',
  '-9223372036854775809',
);

export const number: fc.Arbitrary<J> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 53, -(2 ** 63), 1e300),
  rawNumbers.map((t) => new Raw(t)),
);

export const primitive: fc.Arbitrary<J> = fc.oneof(
  { weight: 4, arbitrary: text() },
  { weight: 2, arbitrary: number },
  { weight: 2, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom('True', 'false', 'FALSE', '42', '2024-01-01T00:00:00Z') },
);

/** member names: schema attributes (any case, URN-qualified, dotted), prototype keys, noise */
export const key: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'schemas',
      'id',
      'externalId',
      'meta',
      'userName',
      'USERNAME',
      'name',
      'givenName',
      'name.givenName',
      'displayName',
      'active',
      'password',
      'emails',
      'value',
      'type',
      'primary',
      'display',
      '$ref',
      'members',
      'groups',
      'manager',
      'addresses',
      'x509Certificates',
      'employeeNumber',
      ENTERPRISE,
      `${ENTERPRISE}:employeeNumber`,
      `${ENTERPRISE}:manager`,
      `${USER}:userName`,
      `${USER}:name.givenName`,
      'urn:example:unknown:1.0:Thing',
      'Operations',
      'op',
      'path',
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  { weight: 2, arbitrary: text(20) },
);

/** any JSON value, a few levels deep */
export const json: fc.Arbitrary<J> = fc.letrec<{ value: J }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    { weight: 5, arbitrary: primitive },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.tuple(key, tie('value')), { maxLength: 4 })
        .map((e) => new Obj(e)),
    },
  ),
})).value;

/**
 * nesting far deeper than any schema (arrays, objects, or both), as raw text: a tree that deep
 * would overflow the test's own recursion. Mostly within what the server's JSON parser takes
 * (its reviver recurses too: a few thousand levels), so that deep values reach the core.
 */
export const deep: fc.Arbitrary<J> = fc
  .tuple(
    fc.constantFrom('array', 'object', 'mixed'),
    fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 33, max: 1_500 }) },
      // around the depth where the server's JSON reviver gives up (about 2,500 levels)
      { weight: 2, arbitrary: fc.integer({ min: 1_500, max: 3_000 }) },
      { weight: 1, arbitrary: fc.integer({ min: 3_000, max: 20_000 }) },
    ),
    // a bulkId reference at the bottom: Bulk walks data for them (RFC 7644 §3.7.2)
    fc.constantFrom('"bottom"', '"bulkId:a"', '"bulkId:b"', '{"value":"bulkId:c"}'),
  )
  .map(([shape, depth, bottom]) => {
    const open: string[] = [];
    const close: string[] = [];
    for (let i = 0; i < depth; i++) {
      const asArray = shape === 'array' || (shape === 'mixed' && i % 2 === 0);
      open.push(asArray ? '[' : '{"value":');
      close.push(asArray ? ']' : '}');
    }
    return new Raw(`${open.join('')}${bottom}${close.reverse().join('')}`);
  });

type How = 'replace' | 'drop' | 'add' | 'recase' | 'duplicate' | 'wrap' | 'unwrap';

/** one change at one place of a document: where (child indexes, taken modulo), what, with what */
interface Edit {
  readonly path: readonly number[];
  readonly how: How;
  readonly key: string;
  readonly value: J;
}

const DROP = Symbol('drop');

function editHere(node: J, e: Edit): J | typeof DROP {
  switch (e.how) {
    case 'drop':
      return DROP;
    case 'add':
      return node instanceof Obj
        ? new Obj([...node.entries, [e.key, e.value]])
        : Array.isArray(node)
          ? [...(node as readonly J[]), e.value]
          : e.value;
    case 'wrap':
      return [node];
    case 'unwrap':
      return Array.isArray(node) && node.length ? (node as readonly J[])[0] : e.value;
    default:
      return e.value;
  }
}

function applyEdit(node: J, path: readonly number[], e: Edit): J | typeof DROP {
  const size = node instanceof Obj ? node.entries.length : Array.isArray(node) ? node.length : 0;
  if (!path.length || !size) {
    return editHere(node, e);
  }
  const i = path[0] % size;
  if (node instanceof Obj) {
    const entries = [...node.entries];
    const [k, v] = entries[i];
    if (path.length === 1 && (e.how === 'recase' || e.how === 'duplicate')) {
      // the same member name in another case, or twice (RFC 7643 §2.1: names are case-insensitive)
      const other = k === k.toUpperCase() ? k.toLowerCase() : k.toUpperCase();
      entries.splice(i, e.how === 'recase' ? 1 : 0, [e.how === 'recase' ? other : k, e.how === 'recase' ? v : e.value]);
      return new Obj(entries);
    }
    const r = applyEdit(v, path.slice(1), e);
    if (r === DROP) {
      entries.splice(i, 1);
    } else {
      entries[i] = [k, r];
    }
    return new Obj(entries);
  }
  const items = [...(node as readonly J[])];
  const r = applyEdit(items[i], path.slice(1), e);
  if (r === DROP) {
    items.splice(i, 1);
  } else {
    items[i] = r;
  }
  return items;
}

const edit: fc.Arbitrary<Edit> = fc.record({
  path: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
  how: fc.constantFrom<How>('replace', 'replace', 'replace', 'drop', 'add', 'recase', 'duplicate', 'wrap', 'unwrap'),
  key,
  value: fc.oneof(
    { weight: 12, arbitrary: json },
    { weight: 1, arbitrary: hugeText },
    { weight: 1, arbitrary: deep },
  ),
});

/**
 * `template` as it is, or with one to three edits at random places: a value replaced by any
 * other (every attribute gets every type), a member dropped, added, renamed in another case or
 * sent twice, a value wrapped in an array or unwrapped. Few edits keep most documents close to
 * valid, so they reach the layers behind the first check.
 */
export function mutate(template: J): fc.Arbitrary<J> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(template) },
    {
      weight: 2,
      arbitrary: fc.array(edit, { minLength: 1, maxLength: 3, size: 'xsmall' }).map((edits) =>
        edits.reduce<J>((doc, e) => {
          const r = applyEdit(doc, e.path, e);
          return r === DROP ? null : r;
        }, template),
      ),
    },
  );
}

/** `schemas` as sent: right, with extensions, unknown, wrong type, missing */
export const schemasFor = (core: string) =>
  fc.constantFrom<J>(
    [core],
    [core, ENTERPRISE],
    [core, 'urn:example:unknown:1.0:Thing'],
    [core.toLowerCase()],
    ['urn:example:unknown:1.0:Thing'],
    [],
    core,
    [[core]],
    null,
    [1, true, null],
  );
