/**
 * What a filter costs the database, before anything runs (RFC 7644 §3.4.2.2 filters; RFC 7644
 * §3.12 invalidFilter when it costs too much). One tenant's search must not take the server
 * from every other tenant: a filter whose terms cannot use an index makes the database read
 * every row of the tenant once per term, so a filter ORing hundreds of `co` terms is hundreds
 * of full scans. The budget bounds that work per request; the rate limit bounds the requests.
 *
 * The model is deliberately simple and conservative (it never runs the query planner):
 * - every term (a comparison or `pr`) has a cost; `and`, `or` and `not` add up their terms
 *   (an `and` with an index look-up is not discounted: the planner may not use that index);
 * - a look-up (`eq` on an attribute the store indexes) costs LOOKUP;
 * - a range on an indexed attribute (`sw`, `gt`, `ge`, `lt`, `le`, `pr`) costs RANGE;
 * - a term that cannot use an index costs SCAN: `co`, `ew` (substring), `ne`, any term inside
 *   `not (...)`, `eq null` (negation / absence), `pr` and every comparison on an attribute the
 *   store has no index for (a JSON path in the stored document);
 * - a term on a multi-valued attribute kept in a child table (`emails.value`, `emails[...]`,
 *   `members[value eq ...]`) adds CHILD_TABLE once per sub-query.
 * Which attributes are indexed is the store's to say (FilterIndexes); the core only reads it.
 *
 * The default budget lets every filter IdPs send through (Okta and Entra ID: `userName eq`,
 * `externalId eq`, `displayName eq`, `emails[type eq "work" and value eq ...]`,
 * `members[value eq ...]`, and ORs of up to 200 `id eq` for a group reconcile), 20 substring
 * terms on a singular attribute, or 16 on a multi-valued one (`emails.value co`).
 */
import { ScimError } from '../errors/scim-error';
import { AttrPath, formatAttrPath } from '../schema/attr-path';
import { SchemaRegistry } from '../schema/schema.registry';
import { ResourceTypeDefinition } from '../schema/schema.types';
import { FilterNode } from './filter.ast';

/** Why a term costs what it costs. */
export type FilterTermKind =
  | 'lookup'
  | 'range'
  | 'substring'
  | 'negation'
  | 'presence'
  | 'unindexed'
  | 'childTable';

/** The cost of one term of each kind. */
export const FILTER_TERM_COSTS: Readonly<Record<FilterTermKind, number>> = {
  lookup: 1,
  range: 3,
  substring: 10,
  negation: 10,
  presence: 10,
  unindexed: 10,
  childTable: 2,
};

/** The budget of one filter unless configured (ScimModuleOptions.filterBudget, SCIM_FILTER_BUDGET). */
export const DEFAULT_FILTER_BUDGET = 200;

/**
 * The attribute paths a store serves from an index: canonical paths as validateFilter writes
 * them (`userName`, `meta.lastModified`, `emails.value`, `members.value`,
 * `urn:...:enterprise:2.0:User:employeeNumber`), compared case-insensitively.
 */
export interface FilterIndexes {
  readonly indexed: readonly string[];
}

/**
 * What a store that says nothing is assumed to index: `id` and the look-ups IdPs make
 * (a store that answers them by scanning is slow for every IdP anyway).
 */
export const DEFAULT_FILTER_INDEXES: FilterIndexes = {
  indexed: ['id', 'externalId', 'userName', 'displayName', 'members.value'],
};

export interface FilterCost {
  readonly total: number;
  /** how many terms of each kind (a kind with none is absent) */
  readonly terms: Readonly<Partial<Record<FilterTermKind, number>>>;
  /**
   * what the terms of each kind cost together: a term on a multi-valued attribute outside
   * brackets carries its sub-query's CHILD_TABLE; `childTable` holds the value paths' own
   */
  readonly costs: Readonly<Partial<Record<FilterTermKind, number>>>;
}

export interface FilterCostContext {
  readonly registry: SchemaRegistry;
  readonly resourceType: ResourceTypeDefinition;
  readonly indexes: FilterIndexes;
}

type Leaf = Extract<FilterNode, { kind: 'compare' | 'present' }>;

const RANGE_OPS = new Set(['sw', 'gt', 'ge', 'lt', 'le']);

/** The cost of a validated filter (validateFilter's canonical paths) against a store's indexes. */
export function filterCost(node: FilterNode, ctx: FilterCostContext): FilterCost {
  const indexed = new Set(ctx.indexes.indexed.map((p) => p.toLowerCase()));
  const terms: Partial<Record<FilterTermKind, number>> = {};
  const costs: Partial<Record<FilterTermKind, number>> = {};
  let total = 0;
  const add = (kind: FilterTermKind, extra = 0) => {
    const cost = FILTER_TERM_COSTS[kind] + extra;
    terms[kind] = (terms[kind] ?? 0) + 1;
    costs[kind] = (costs[kind] ?? 0) + cost;
    total += cost;
  };
  const multiValued = (path: AttrPath): boolean =>
    ctx.registry.resolve(ctx.resourceType, { ...(path.uri ? { uri: path.uri } : {}), attr: path.attr })
      ?.attribute.multiValued === true;

  // iterative: a long OR is a left-deep tree as deep as it has terms
  const stack: Array<{ node: FilterNode; negated: boolean; outer?: AttrPath }> = [{ node, negated: false }];
  while (stack.length) {
    const { node: n, negated, outer } = stack.pop()!;
    switch (n.kind) {
      case 'and':
      case 'or':
        stack.push({ node: n.left, negated, outer }, { node: n.right, negated, outer });
        break;
      case 'not':
        stack.push({ node: n.filter, negated: true, outer });
        break;
      case 'valuePath':
        if (multiValued(n.path)) {
          add('childTable');
        }
        stack.push({ node: n.filter, negated, outer: n.path });
        break;
      case 'compare':
      case 'present': {
        const path: AttrPath = outer ? { ...outer, sub: n.path.attr } : n.path;
        const subQuery = !outer && multiValued(path) ? FILTER_TERM_COSTS.childTable : 0;
        add(termKind(n, negated, indexed.has(formatAttrPath(path).toLowerCase())), subQuery);
        break;
      }
    }
  }
  return { total, terms, costs };
}

function termKind(n: Leaf, negated: boolean, indexed: boolean): FilterTermKind {
  if (n.kind === 'compare' && (n.op === 'co' || n.op === 'ew')) {
    return 'substring';
  }
  if (negated || (n.kind === 'compare' && n.op === 'ne')) {
    return 'negation';
  }
  if (n.kind === 'compare' && n.value === null) {
    // `eq null` is `not pr`: every row without the attribute
    return 'presence';
  }
  if (!indexed) {
    return n.kind === 'present' ? 'presence' : 'unindexed';
  }
  return n.kind === 'present' || RANGE_OPS.has(n.op) ? 'range' : 'lookup';
}

/**
 * True when the filter can match one resource at most: it is a conjunction (`and`) one of whose
 * terms is `eq` with a string on an attribute unique per tenant (`keys`: canonical paths such as
 * `id`, `userName`; RFC 7643 §2.4 uniqueness "server"). Such a search is a look-up by key, as a
 * read by id is, whatever else it tests.
 */
export function isKeyLookup(node: FilterNode, keys: readonly string[]): boolean {
  const unique = new Set(keys.map((k) => k.toLowerCase()));
  const stack: FilterNode[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.kind === 'and') {
      stack.push(n.left, n.right);
    } else if (
      n.kind === 'compare' &&
      n.op === 'eq' &&
      typeof n.value === 'string' &&
      unique.has(formatAttrPath(n.path).toLowerCase())
    ) {
      return true;
    }
  }
  return false;
}

const KIND_TEXT: Record<FilterTermKind, string> = {
  lookup: 'indexed look-ups',
  range: 'indexed ranges (sw, gt, ge, lt, le, pr)',
  substring: 'substring terms (co, ew)',
  negation: 'negated terms (ne, not)',
  presence: 'presence terms (pr, eq null) without an index',
  unindexed: 'terms on attributes without an index',
  childTable: 'sub-queries over a multi-valued attribute',
};

/**
 * 400 invalidFilter for a filter over the budget. Its own class so that a search over several
 * resource types (root /.search), which skips a type that cannot evaluate a filter, still
 * refuses a filter that one type can evaluate but only at too high a cost.
 */
export class FilterTooExpensiveError extends ScimError {
  constructor(detail: string) {
    super(400, detail, 'invalidFilter');
  }
}

/**
 * Throws 400 invalidFilter (RFC 7644 §3.12) when `node` costs more than `budget`, naming the
 * kind of term that costs the most and how many of them would fit.
 */
export function checkFilterBudget(node: FilterNode, ctx: FilterCostContext, budget: number): FilterCost {
  const cost = filterCost(node, ctx);
  if (cost.total <= budget) {
    return cost;
  }
  const kinds = Object.keys(cost.costs) as FilterTermKind[];
  const kind = kinds.reduce((a, b) => (cost.costs[b]! > cost.costs[a]! ? b : a));
  const count = cost.terms[kind]!;
  const each = cost.costs[kind]! / count;
  const eachText = Number.isInteger(each) ? String(each) : each.toFixed(1);
  throw new FilterTooExpensiveError(
    `filter too expensive: ${count} ${KIND_TEXT[kind]}; at most ${Math.floor(budget / each)} ` +
      `(each costs ${eachText}; the filter costs ${cost.total}, the budget is ${budget}). ` +
      'Filter with eq on an indexed attribute (id, userName, externalId, displayName), or split the request',
  );
}
