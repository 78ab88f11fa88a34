import { AttrPath } from '../schema/attr-path';

/** RFC 7644 §3.4.2.2 comparison operators (lower-cased; the grammar is case-insensitive). */
export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/** compValue = false / null / true / number / string (dates are strings compared as time). */
export type FilterValue = string | number | boolean | null;

/**
 * Filter AST. Paths are kept as written (not resolved); inside a valuePath the inner
 * filter's paths are relative to the multi-valued attribute (`{ attr: 'type' }`).
 */
export type FilterNode =
  | { readonly kind: 'compare'; readonly path: AttrPath; readonly op: CompareOp; readonly value: FilterValue }
  | { readonly kind: 'present'; readonly path: AttrPath }
  | { readonly kind: 'and'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: 'or'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: 'not'; readonly filter: FilterNode }
  | { readonly kind: 'valuePath'; readonly path: AttrPath; readonly filter: FilterNode };

export const COMPARE_OPS: readonly CompareOp[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
