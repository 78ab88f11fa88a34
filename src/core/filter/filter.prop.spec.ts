import fc from 'fast-check';
import { ScimError } from '../errors/scim-error';
import { isWellFormed } from '../resource/well-formed';
import { AttrPath, formatAttrPath } from '../schema/attr-path';
import { createDefaultRegistry, USER_RESOURCE_TYPE } from '../schema/schema.registry';
import { COMPARE_OPS, FilterNode, FilterValue } from './filter.ast';
import { CORE, ENT, SAMPLE_USER } from './filter.cases';
import { matchesFilter } from './filter.evaluator';
import { parseFilter, parseValuePath } from './filter.parser';
import { printFilter } from './filter.printer';
import { validateFilter } from './filter.validator';

const NUM_RUNS = 400;
const registry = createDefaultRegistry();

const NODE_KINDS = new Set(['compare', 'present', 'and', 'or', 'not', 'valuePath']);

/** Asserts that `fn` returns or throws a ScimError with one of `scimTypes`, nothing else. */
function onlyScimErrors<T>(fn: () => T, scimTypes: readonly string[]): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof ScimError) || !scimTypes.includes(e.scimType ?? '')) {
      throw e;
    }
    return undefined;
  }
}

// ---- arbitraries --------------------------------------------------------------------------

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
const NAME_CHARS = [...LETTERS.slice(0, 6), ...'XYZ0189_-$'.split('')];

/** RFC 7644 §3.10 ATTRNAME (plus the `$ref` style of attr-path.ts), keywords included. */
const attrName = fc.oneof(
  fc.constantFrom('and', 'or', 'not', 'pr', 'eq', 'true', 'null', 'urn', 'userName', '$ref'),
  fc
    .tuple(
      fc.constantFrom('', '$'),
      fc.constantFrom(...LETTERS),
      fc.string({ unit: fc.constantFrom(...NAME_CHARS), maxLength: 8 }),
    )
    .map(([d, first, rest]) => d + first + rest),
);

const uri = fc.constantFrom(CORE, ENT, 'urn:a', 'urn:x:y.z', 'URN:Acme:1.0:Thing');

const fullPath: fc.Arbitrary<AttrPath> = fc
  .tuple(fc.option(uri, { nil: undefined }), attrName, fc.option(attrName, { nil: undefined }))
  .map(([u, attr, sub]) => ({
    ...(u !== undefined ? { uri: u } : {}),
    attr,
    ...(sub !== undefined ? { sub } : {}),
  }));

const relativePath: fc.Arbitrary<AttrPath> = attrName.map((attr) => ({ attr }));

/** filter values are Unicode strings: lone surrogates are invalidFilter (SYNTAX_ERROR_CASES) */
const value: fc.Arbitrary<FilterValue> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 12 }).filter(isWellFormed),
  fc.constantFrom('\ud83d\ude00', 'a\uffffb', '"', '\\', '\u0000\u001f', 'x" or 1=1 --'),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n)),
  fc.boolean(),
  fc.constant(null),
);

function leaf(path: fc.Arbitrary<AttrPath>, values: fc.Arbitrary<FilterValue>) {
  return fc.oneof(
    fc
      .tuple(path, fc.constantFrom(...COMPARE_OPS), values)
      .map(([p, op, v]): FilterNode => ({ kind: 'compare', path: p, op, value: v })),
    path.map((p): FilterNode => ({ kind: 'present', path: p })),
  );
}

function binary(kind: 'and' | 'or', operand: fc.Arbitrary<FilterNode>): fc.Arbitrary<FilterNode> {
  return fc.tuple(operand, operand).map(([left, right]): FilterNode => ({ kind, left, right }));
}

/** Random filter ASTs (RFC 7644 §3.4.2.2): no value path inside a value path. */
function filterArbitrary(
  top: fc.Arbitrary<AttrPath>,
  outer: fc.Arbitrary<AttrPath>,
  inner: fc.Arbitrary<AttrPath>,
  values: fc.Arbitrary<FilterValue>,
): fc.Arbitrary<FilterNode> {
  return fc.letrec<{ filter: FilterNode; inner: FilterNode }>((tie) => ({
    filter: fc.oneof(
      { depthSize: 'small', maxDepth: 8 },
      leaf(top, values),
      binary('and', tie('filter')),
      binary('or', tie('filter')),
      tie('filter').map((f): FilterNode => ({ kind: 'not', filter: f })),
      fc
        .tuple(outer, tie('inner'))
        .map(([p, f]): FilterNode => ({ kind: 'valuePath', path: p, filter: f })),
    ),
    inner: fc.oneof(
      { depthSize: 'small', maxDepth: 5 },
      leaf(inner, values),
      binary('and', tie('inner')),
      binary('or', tie('inner')),
      tie('inner').map((f): FilterNode => ({ kind: 'not', filter: f })),
    ),
  })).filter;
}

const anyFilter = filterArbitrary(fullPath, fullPath, relativePath, value);

// ---- (1) print/parse round trip -----------------------------------------------------------

describe('filter properties (fast-check)', () => {
  it('RFC 7644 §3.4.2.2: parseFilter(printFilter(ast)) deep-equals ast', () => {
    fc.assert(
      fc.property(anyFilter, (ast) => {
        expect(parseFilter(printFilter(ast))).toEqual(ast);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  // ---- (2) total parser: a node or an invalidFilter ScimError, for any input ----------------

  const TOKENS = [
    '(', ')', '[', ']', '"', '\\', ' ', '  ', '\t', 'eq', 'EQ', 'and', 'or', 'not', 'not (', 'pr',
    'a', 'emails', 'type', '1', '-', 'e', '.', ':', 'urn:', 'true', 'null', '\\u00', '\\"', '0.5e',
    '"x"', 'x.y', '$', '1e999', '\u0001', '😀', '\ud800',
  ];
  const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((a) => a.join(''));
  /** A valid filter with a slice cut out or a token spliced in: close to the grammar. */
  const mutated = fc
    .tuple(anyFilter, fc.nat(), fc.nat({ max: 6 }), fc.constantFrom('', ...TOKENS))
    .map(([ast, at, cut, insert]) => {
      const text = printFilter(ast);
      const i = at % (text.length + 1);
      return text.slice(0, i) + insert + text.slice(i + cut);
    });
  const anyText = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
    tokenSoup,
    mutated,
  );

  it('parseFilter returns a node or throws ScimError invalidFilter, for any string', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const node = onlyScimErrors(() => parseFilter(text), ['invalidFilter']);
        if (node) {
          expect(NODE_KINDS.has(node.kind)).toBe(true);
          // whatever parses has a canonical form that parses back to the same tree
          expect(parseFilter(printFilter(node))).toEqual(node);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('parseValuePath returns a path or throws ScimError invalidPath/invalidFilter', () => {
    const pathText = fc.oneof(
      anyText,
      fc
        .tuple(
          fullPath,
          fc.option(anyFilter),
          fc.option(attrName),
          fc.constantFrom('', '.', ' ', ']'),
        )
        .map(([p, f, sub, junk]) => {
          const base = formatAttrPath(p);
          return f ? `${base}[${printFilter(f)}]${sub ? `.${sub}` : ''}${junk}` : base + junk;
        }),
    );
    fc.assert(
      fc.property(pathText, (text) => {
        onlyScimErrors(() => parseValuePath(text), ['invalidPath', 'invalidFilter']);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  // ---- (3) schema-aware validation and matching never fail with anything but invalidFilter --

  const randomCase = (s: fc.Arbitrary<string>) =>
    fc
      .tuple(s, fc.array(fc.boolean(), { maxLength: 80 }))
      .map(([text, flips]) =>
        [...text].map((c, i) => (flips[i] ? c.toUpperCase() : c)).join(''),
      );
  const asPath = (text: string): AttrPath => {
    const m = /^(urn:.*):([^:]+)$/i.exec(text);
    const [u, rest] = m ? [m[1], m[2]] : [undefined, text];
    const [attr, sub] = rest.split('.');
    return { ...(u ? { uri: u } : {}), attr, ...(sub ? { sub } : {}) };
  };
  const USER_PATHS = [
    'userName', 'name', 'name.givenName', 'name.familyName', 'displayName', 'title', 'active',
    'password', 'emails', 'emails.value', 'emails.type', 'emails.primary', 'phoneNumbers.value',
    'addresses', 'addresses.region', 'groups.$ref', 'roles.primary', 'x509Certificates.value',
    'id', 'externalId', 'meta', 'meta.created', 'meta.lastModified', 'meta.resourceType',
    'schemas', 'foo', 'name.foo', `${CORE}:userName`, `${CORE}:meta.created`,
    `${ENT}:employeeNumber`, `${ENT}:manager`, `${ENT}:manager.value`, `${ENT}:foo`,
  ];
  const OUTER_PATHS = [
    'emails', 'phoneNumbers', 'addresses', 'groups', 'roles', 'x509Certificates', 'name', 'meta',
    `${ENT}:manager`, 'userName', 'name.givenName', 'foo',
  ];
  const INNER_PATHS = [
    'value', 'type', 'primary', 'display', '$ref', 'region', 'givenName', 'lastModified', 'created',
    'displayName', 'foo', 'emails.type',
  ];
  const userValue: fc.Arbitrary<FilterValue> = fc.oneof(
    value,
    fc.constantFrom(
      'True', 'false', 'work', 'bjensen@example.com', '2011-05-13T04:42:34Z',
      '2011-05-13T06:42:34+02:00', '2011-02-30T00:00:00Z', '', 'BJENSEN',
    ),
  );
  const userFilter = filterArbitrary(
    randomCase(fc.constantFrom(...USER_PATHS)).map(asPath),
    randomCase(fc.constantFrom(...OUTER_PATHS)).map(asPath),
    randomCase(fc.constantFrom(...INNER_PATHS)).map(asPath),
    userValue,
  );
  const resource = fc.oneof(
    fc.constant(SAMPLE_USER),
    fc.record(
      {
        userName: fc.anything(),
        name: fc.anything(),
        emails: fc.anything(),
        active: fc.anything(),
        meta: fc.anything(),
        roles: fc.array(fc.record({ value: fc.anything(), primary: fc.anything() })),
        [ENT]: fc.anything(),
      },
      { requiredKeys: [] },
    ),
  );

  it('validate(parse(print(ast))) yields an idempotent canonical AST or invalidFilter', () => {
    fc.assert(
      fc.property(userFilter, resource, (ast, res) => {
        const validated = onlyScimErrors(
          () => validateFilter(parseFilter(printFilter(ast)), registry, USER_RESOURCE_TYPE),
          ['invalidFilter'],
        );
        if (!validated) {
          return;
        }
        expect(validateFilter(validated, registry, USER_RESOURCE_TYPE)).toEqual(validated);
        expect(parseFilter(printFilter(validated))).toEqual(validated);
        const matched = matchesFilter(res, validated, registry, USER_RESOURCE_TYPE);
        expect(matchesFilter(res, ast, registry, USER_RESOURCE_TYPE)).toBe(matched);
        expect(
          matchesFilter(res, { kind: 'not', filter: validated }, registry, USER_RESOURCE_TYPE),
        ).toBe(!matched);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
