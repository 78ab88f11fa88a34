/** The SCIM filter language (RFC 7644 §3.4.2.2): parse, print, validate, evaluate. */
export * from './filter.ast';
export { parseFilter, parseValuePath, MAX_FILTER_DEPTH, MAX_FILTER_LENGTH } from './filter.parser';
export type { ParsedValuePath } from './filter.parser';
export { printFilter, printFilterValue } from './filter.printer';
export {
  validateFilter,
  validateValueFilter,
  resolveFilterPath,
  resolveValueFilterPath,
  SCHEMAS_PSEUDO_ATTRIBUTE,
} from './filter.validator';
export type { FilterValidationOptions } from './filter.validator';
export {
  matchesFilter,
  createFilterMatcher,
  matchesElement,
  createElementMatcher,
  isPresentValue,
} from './filter.evaluator';
export type { FilterPredicate, ElementPredicate } from './filter.evaluator';
export {
  filterCost,
  checkFilterBudget,
  isKeyLookup,
  FilterTooExpensiveError,
  FILTER_TERM_COSTS,
  DEFAULT_FILTER_BUDGET,
  DEFAULT_FILTER_INDEXES,
} from './filter.cost';
export type { FilterCost, FilterCostContext, FilterIndexes, FilterTermKind } from './filter.cost';
export { parseDateTime, isDateTime, normalizeFilterDateTime } from './filter.datetime';
