/**
 * Canonical text for a filter AST: `parseFilter(printFilter(ast))` deep-equals `ast`.
 *
 * - operators and keywords lower-case, single spaces (RFC 7644 §3.4.2.2 ABNF uses SP);
 * - strings JSON-encoded (RFC 8259 §7), numbers in JavaScript/JSON form (`1e+21`);
 * - parentheses only where the tree shape needs them: the parser is left-associative with
 *   `and` binding tighter than `or`, so an `or` below an `and`, or a right operand of the
 *   same operator, is parenthesized; `not` is always printed as `not (...)`.
 */
import { ScimError } from '../errors/scim-error';
import { formatAttrPath } from '../schema/attr-path';
import { FilterNode, FilterValue } from './filter.ast';

/** compValue as filter text. */
export function printFilterValue(value: FilterValue): string {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw ScimError.invalidFilter(`Number ${String(value)} cannot be written in a filter`);
  }
  return JSON.stringify(value);
}

type Precedence = 0 | 1 | 2; // or < and < primary

function precedenceOf(node: FilterNode): Precedence {
  return node.kind === 'or' ? 0 : node.kind === 'and' ? 1 : 2;
}

function printAt(node: FilterNode, min: Precedence): string {
  const text = printFilter(node);
  return precedenceOf(node) < min ? `(${text})` : text;
}

export function printFilter(node: FilterNode): string {
  switch (node.kind) {
    case 'compare':
      return `${formatAttrPath(node.path)} ${node.op} ${printFilterValue(node.value)}`;
    case 'present':
      return `${formatAttrPath(node.path)} pr`;
    case 'and':
      // left operand may be another `and` (left-assoc); right operand must be primary
      return `${printAt(node.left, 1)} and ${printAt(node.right, 2)}`;
    case 'or':
      return `${printAt(node.left, 0)} or ${printAt(node.right, 1)}`;
    case 'not':
      return `not (${printFilter(node.filter)})`;
    case 'valuePath':
      return `${formatAttrPath(node.path)}[${printFilter(node.filter)}]`;
  }
}
