import { ScimError, isScimError } from '../errors/scim-error';
import { FilterNode } from '../filter/filter.ast';
import { AttrPath, isAttrName, parseAttrPath } from '../schema/attr-path';
import { FilterParser } from './patch.types';

/**
 * A parsed PATCH "path" (RFC 7644 §3.5.2, Figure 7): `PATH = attrPath / valuePath [subAttr]`,
 * with `valuePath = attrPath "[" valFilter "]"` (§3.4.2.2). Names are as written.
 */
export interface PatchPath {
  /** the attribute path before any bracket; has `sub` only in the attrPath form (name.givenName) */
  readonly attrPath: AttrPath;
  /** the value filter of a valuePath, paths relative to the attribute (`type eq "work"`) */
  readonly filter?: FilterNode;
  /** the sub-attribute after `]`, e.g. `value` in `emails[type eq "work"].value` */
  readonly subAttr?: string;
}

/** Index of the `]` closing the `[` at `open`, skipping brackets inside quoted strings. */
function closingBracket(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') {
        i++;
      } else if (c === '"') {
        inString = false;
      }
    } else if (c === '"') {
      inString = true;
    } else if (c === '[') {
      depth++;
    } else if (c === ']') {
      depth--;
      if (depth === 0) {
        return i;
      }
    }
  }
  return -1;
}

function invalid(text: string, why: string): ScimError {
  return ScimError.invalidPath(`Invalid PATCH path '${text}': ${why}`);
}

/**
 * Parses a PATCH path; the bracket text goes to `parseFilter` (RFC 7644 §3.4.2.2 grammar).
 * Malformed paths → invalidPath; a malformed or unclosed filter → invalidFilter (RFC 7644 §3.12
 * Table 9 lists invalidFilter for "PATCH (Path Filter - Section 3.5.2)").
 */
export function parsePatchPath(raw: string, parseFilter: FilterParser): PatchPath {
  const text = raw.trim();
  if (text === '') {
    throw invalid(raw, 'empty path');
  }
  const open = text.indexOf('[');
  if (open < 0) {
    const attrPath = parseAttrPath(text);
    if (!attrPath) {
      throw invalid(raw, 'not an attribute path');
    }
    return { attrPath };
  }
  const attrPath = parseAttrPath(text.slice(0, open).trim());
  if (!attrPath || attrPath.sub !== undefined) {
    throw invalid(raw, 'a value filter must follow a (multi-valued) attribute name');
  }
  const close = closingBracket(text, open);
  if (close < 0) {
    throw ScimError.invalidFilter(`Invalid value filter in PATCH path '${raw}': no closing ']'`);
  }
  const filterText = text.slice(open + 1, close);
  if (filterText.trim() === '') {
    throw ScimError.invalidFilter(`Invalid value filter in PATCH path '${raw}': empty filter`);
  }
  const rest = text.slice(close + 1);
  let subAttr: string | undefined;
  if (rest !== '') {
    if (!rest.startsWith('.') || !isAttrName(rest.slice(1))) {
      throw invalid(raw, `unexpected '${rest}' after the value filter`);
    }
    subAttr = rest.slice(1);
  }
  let filter: FilterNode;
  try {
    filter = parseFilter(filterText);
  } catch (e) {
    if (isScimError(e)) {
      throw e;
    }
    throw ScimError.invalidFilter(
      `Invalid value filter in PATCH path '${raw}': ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if (hasValuePath(filter)) {
    throw ScimError.invalidFilter(
      `Invalid value filter in PATCH path '${raw}': ` +
        'a value filter cannot contain another value filter',
    );
  }
  return { attrPath, filter, ...(subAttr !== undefined ? { subAttr } : {}) };
}

/** RFC 7644 §3.4.2.2 (errata 4690): valFilter is a filter without valuePath. */
function hasValuePath(node: FilterNode): boolean {
  switch (node.kind) {
    case 'valuePath':
      return true;
    case 'and':
    case 'or':
      return hasValuePath(node.left) || hasValuePath(node.right);
    case 'not':
      return hasValuePath(node.filter);
    default:
      return false;
  }
}
