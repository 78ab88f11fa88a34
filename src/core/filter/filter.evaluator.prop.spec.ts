import fc from 'fast-check';
import { isScimError } from '../errors/scim-error';
import { createDefaultRegistry, USER_RESOURCE_TYPE } from '../schema/schema.registry';
import { AttributeDefinition, ResourceTypeDefinition } from '../schema/schema.types';
import { COMPARE_OPS, FilterNode, FilterValue } from './filter.ast';
import { EMAILS, READINGS } from './filter.evaluator.cases';
import { createElementMatcher, createFilterMatcher } from './filter.evaluator';

const NUM_RUNS = 500;

/** A resource type whose core schema holds READINGS (a sub-attribute of every type). */
const WIDGET_SCHEMA = {
  id: 'urn:example:params:scim:schemas:Widget',
  name: 'Widget',
  description: 'test resource',
  attributes: [READINGS],
};
const WIDGET: ResourceTypeDefinition = {
  id: 'Widget',
  name: 'Widget',
  endpoint: '/Widgets',
  description: 'test resource',
  schema: WIDGET_SCHEMA.id,
  schemaExtensions: [],
};
const registry = createDefaultRegistry({
  schemas: [WIDGET_SCHEMA],
  resourceTypes: [USER_RESOURCE_TYPE, WIDGET],
});

// ---- arbitraries --------------------------------------------------------------------------

const DATES = ['2020-01-01T00:00:00Z', '2020-01-01T01:00:00+01:00', '2019-12-31T23:59:59.999Z'];
const STRINGS = ['work', 'Work', 'home', 'AbC', 'abc', '', 'https://Example.com/x', 'QUJD'];

/** Stored values: mostly of a plausible type, sometimes of the wrong JSON type. */
const stored: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...DATES, ...STRINGS, 'not a date', 'True'),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(2.5, 0, -1.5),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
);

/** Filter literals: every JSON kind, some that the validator rejects for some types. */
const literal: fc.Arbitrary<FilterValue> = fc.oneof(
  fc.constantFrom(...DATES, ...STRINGS, 'True', 'false', '2020-02-30T00:00:00Z', '3'),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(2.5, -1.5),
  fc.boolean(),
  fc.constant(null),
);

/** A literal of the sub-attribute's type, mostly; any literal (often a 400) now and then. */
function literalFor(sub: AttributeDefinition | undefined): fc.Arbitrary<FilterValue> {
  const typed: Record<string, fc.Arbitrary<FilterValue>> = {
    dateTime: fc.constantFrom(...DATES),
    integer: fc.integer({ min: -3, max: 3 }),
    decimal: fc.constantFrom(2.5, -1.5, 0, 3),
    boolean: fc.boolean(),
  };
  const own = sub ? (typed[sub.type] ?? fc.constantFrom(...STRINGS)) : literal;
  return fc.oneof({ weight: 6, arbitrary: own }, literal);
}

function binary(kind: 'and' | 'or', operand: fc.Arbitrary<FilterNode>): fc.Arbitrary<FilterNode> {
  return fc.tuple(operand, operand).map(([left, right]): FilterNode => ({ kind, left, right }));
}

function innerFilter(def: AttributeDefinition): fc.Arbitrary<FilterNode> {
  const subs = [...(def.subAttributes ?? []), undefined]; // undefined: an unknown name
  const path = fc
    .tuple(fc.constantFrom(...subs), fc.boolean())
    .map(([sub, upper]) => {
      const name = sub?.name ?? 'nope';
      return { sub, name: upper ? name.toUpperCase() : name };
    });
  const leaf = fc.oneof(
    path.chain(({ sub, name }) =>
      fc
        .tuple(fc.constantFrom(...COMPARE_OPS), literalFor(sub))
        .map(([op, value]): FilterNode => ({ kind: 'compare', path: { attr: name }, op, value })),
    ),
    path.map(({ name }): FilterNode => ({ kind: 'present', path: { attr: name } })),
  );
  return fc.letrec<{ f: FilterNode }>((tie) => ({
    f: fc.oneof(
      { depthSize: 'small', maxDepth: 4 },
      leaf,
      binary('and', tie('f')),
      binary('or', tie('f')),
      tie('f').map((filter): FilterNode => ({ kind: 'not', filter })),
    ),
  })).f;
}

function elementOf(def: AttributeDefinition): fc.Arbitrary<unknown> {
  const subs = (def.subAttributes ?? []).map((s) => s.name);
  const record = fc.dictionary(fc.constantFrom(...subs), stored, { maxKeys: subs.length });
  return fc.oneof({ weight: 8, arbitrary: record }, fc.constantFrom('x', 1, null));
}

interface Case {
  readonly rt: ResourceTypeDefinition;
  readonly def: AttributeDefinition;
}
const CASES: readonly Case[] = [
  { rt: WIDGET, def: READINGS },
  { rt: USER_RESOURCE_TYPE, def: EMAILS },
];

/** The answer, or the scimType of the ScimError thrown; anything else fails the property. */
function outcome(fn: () => boolean): boolean | string {
  try {
    return fn();
  } catch (e) {
    if (isScimError(e)) {
      return e.scimType ?? 'no scimType';
    }
    throw e;
  }
}

describe('filter evaluator properties (fast-check)', () => {
  it.each(CASES.map((c) => [c.def.name, c] as const))(
    'RFC 7644 §3.4.2.2: %s[inner] on a resource = some element satisfies inner',
    (_n, { rt, def }) => {
      const stored = fc.oneof(
        fc.array(elementOf(def), { maxLength: 4 }),
        elementOf(def), // a single value stands for a one-element list (rule 1)
        fc.constant(undefined),
      );
      const seen = new Map<boolean | string, number>();
      fc.assert(
        fc.property(innerFilter(def), stored, (inner, value) => {
          const resource = value === undefined ? {} : { [def.name]: value };
          const elements = Array.isArray(value) ? value : value === undefined ? [] : [value];
          const node: FilterNode = { kind: 'valuePath', path: { attr: def.name }, filter: inner };
          const onResource = outcome(() => createFilterMatcher(node, registry, rt)(resource));
          const onElements = outcome(() => elements.some(createElementMatcher(inner, def)));
          expect(onElements).toBe(onResource);
          seen.set(onResource, (seen.get(onResource) ?? 0) + 1);
        }),
        { numRuns: NUM_RUNS },
      );
      // worth something only if filters match, miss and fail, each in a fair share of runs
      for (const kind of [true, false, 'invalidFilter']) {
        expect(seen.get(kind) ?? 0).toBeGreaterThan(NUM_RUNS / 20);
      }
    },
  );
});
