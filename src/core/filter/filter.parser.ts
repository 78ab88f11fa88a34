/**
 * Recursive-descent parser for SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2).
 *
 * Grammar accepted (RFC 7644 Figure 1, with errata 4690/7322 for valFilter):
 *
 *   FILTER    = orExp
 *   orExp     = andExp *("or" andExp)                 ; left-associative
 *   andExp    = unary *("and" unary)                  ; "and" binds tighter than "or"
 *   unary     = "not" "(" orExp ")" / "(" orExp ")" / attrExp / valuePath
 *   valuePath = attrPath "[" valFilter "]"            ; valFilter = orExp without valuePath
 *   attrExp   = attrPath "pr" / attrPath compareOp compValue
 *   compareOp = "eq" / "ne" / "co" / "sw" / "ew" / "gt" / "lt" / "ge" / "le"
 *   compValue = false / null / true / number / string ; RFC 8259 (JSON) literals
 *   attrPath  = [URI ":"] ATTRNAME *1subAttr           ; RFC 7644 §3.10, via parseAttrPath
 *
 *   PATCH PATH = attrPath / valuePath [subAttr]        ; RFC 7644 §3.5.2
 *
 * Operators, keywords and literals `true`/`false`/`null` are case-insensitive (§3.4.2.2).
 * Lenient on whitespace: any run of ASCII whitespace separates tokens, and no whitespace is
 * needed next to `(`, `)`, `[`, `]` or a string. `not` is only an operator when followed by
 * `(` (as the ABNF requires); elsewhere a word in path position is an attribute name.
 *
 * Every failure is a ScimError: invalidFilter for filters, invalidPath for the path part of
 * a PATCH path (the filter between its brackets still fails with invalidFilter).
 *
 * Outside the grammar, only with `subAttrAfterValuePath` (FilterParseOptions): a comparison of a
 * sub-attribute after a valuePath, `emails[type eq "work"].value eq "x"` (Entra ID matches users
 * by email that way), read as `emails[type eq "work" and value eq "x"]`: one value must
 * satisfy both.
 */
import { ScimError } from '../errors/scim-error';
import { isWellFormed } from '../resource/well-formed';
import { AttrPath, isAttrName, parseAttrPath } from '../schema/attr-path';
import { COMPARE_OPS, CompareOp, FilterNode, FilterValue } from './filter.ast';
import { describeToken, ErrorFactory, FilterLexer, quoteSnippet, Token } from './filter.lexer';

/** Longest filter accepted, in UTF-16 code units. */
export const MAX_FILTER_LENGTH = 10_000;
/** Deepest nesting of `(`, `not (` and `[` accepted. */
export const MAX_FILTER_DEPTH = 50;

/** A parsed PATCH path (RFC 7644 §3.5.2): `attrPath` or `valuePath [subAttr]`. */
export interface ParsedValuePath {
  readonly path: AttrPath;
  /** the value filter between the brackets, paths relative to `path` */
  readonly filter?: FilterNode;
  /** the sub-attribute after the brackets, e.g. `value` in `emails[type eq "work"].value` */
  readonly subAttr?: string;
}

/** How far a filter may stray from the RFC 7644 grammar (the caller's IdP profile decides). */
export interface FilterParseOptions {
  /** `attr[filter].sub op value` = `attr[filter and sub op value]` */
  readonly subAttrAfterValuePath?: boolean;
}

const COMPARE_OP_SET: ReadonlySet<string> = new Set(COMPARE_OPS);

function isKeyword(t: Token, keyword: string): boolean {
  return t.kind === 'word' && t.text.length === keyword.length && t.text.toLowerCase() === keyword;
}

/** RFC 8259 §6 number syntax, checked by hand (no regex): `-? int frac? exp?`. */
export function isJsonNumber(s: string): boolean {
  const len = s.length;
  let i = 0;
  const digit = (k: number) => k < len && s.charCodeAt(k) >= 0x30 && s.charCodeAt(k) <= 0x39;
  if (s[i] === '-') {
    i++;
  }
  if (s[i] === '0') {
    i++;
  } else if (digit(i)) {
    while (digit(i)) {
      i++;
    }
  } else {
    return false;
  }
  if (s[i] === '.') {
    i++;
    if (!digit(i)) {
      return false;
    }
    while (digit(i)) {
      i++;
    }
  }
  if (s[i] === 'e' || s[i] === 'E') {
    i++;
    if (s[i] === '+' || s[i] === '-') {
      i++;
    }
    if (!digit(i)) {
      return false;
    }
    while (digit(i)) {
      i++;
    }
  }
  return i === len;
}

class FilterParser {
  readonly lexer: FilterLexer;
  private depth = 0;

  constructor(
    src: string,
    private fail: ErrorFactory,
    private readonly options: FilterParseOptions = {},
  ) {
    this.lexer = new FilterLexer(src, fail);
  }

  setErrorFactory(fail: ErrorFactory): void {
    this.fail = fail;
    this.lexer.fail = fail;
  }

  private expected(what: string, t: Token, context = ''): ScimError {
    const ctx = context ? ` ${context}` : '';
    return this.fail(`Expected ${what} at position ${t.pos}${ctx}, found ${describeToken(t)}`);
  }

  private enter(t: Token): void {
    if (++this.depth > MAX_FILTER_DEPTH) {
      throw this.fail(
        `Filter nesting exceeds the maximum depth of ${MAX_FILTER_DEPTH} at position ${t.pos}`,
      );
    }
  }

  private leave(): void {
    this.depth--;
  }

  private expect(kind: Token['kind'], what: string, context: string): Token {
    const t = this.lexer.next();
    if (t.kind !== kind) {
      throw this.expected(what, t, context);
    }
    return t;
  }

  /** orExp = andExp *("or" andExp) */
  parseOr(inValuePath: boolean): FilterNode {
    let left = this.parseAnd(inValuePath);
    while (isKeyword(this.lexer.peek(), 'or')) {
      this.lexer.next();
      const right = this.parseAnd(inValuePath);
      left = { kind: 'or', left, right };
    }
    return left;
  }

  /** andExp = unary *("and" unary) */
  private parseAnd(inValuePath: boolean): FilterNode {
    let left = this.parseUnary(inValuePath);
    while (isKeyword(this.lexer.peek(), 'and')) {
      this.lexer.next();
      const right = this.parseUnary(inValuePath);
      left = { kind: 'and', left, right };
    }
    return left;
  }

  private parseUnary(inValuePath: boolean): FilterNode {
    const t = this.lexer.peek();
    if (t.kind === 'lparen') {
      this.lexer.next();
      this.enter(t);
      const inner = this.parseOr(inValuePath);
      this.expect('rparen', `')'`, `to close '(' at position ${t.pos}`);
      this.leave();
      return inner;
    }
    if (isKeyword(t, 'not') && this.lexer.peek(1).kind === 'lparen') {
      this.lexer.next();
      const open = this.lexer.next();
      this.enter(open);
      const inner = this.parseOr(inValuePath);
      this.expect('rparen', `')'`, `to close 'not (' at position ${t.pos}`);
      this.leave();
      return { kind: 'not', filter: inner };
    }
    if (t.kind === 'word') {
      return this.parseAttrExp(inValuePath);
    }
    throw this.expected(`attribute path, '(' or 'not ('`, t);
  }

  /** Parses the path token at the cursor into an AttrPath. */
  parsePath(): { path: AttrPath; token: Token } {
    const t = this.lexer.next();
    if (t.kind !== 'word') {
      throw this.expected('attribute path', t);
    }
    const path = parseAttrPath(t.text);
    if (!path) {
      throw this.fail(`Invalid attribute path ${quoteSnippet(t.text)} at position ${t.pos}`);
    }
    return { path, token: t };
  }

  /** attrExp / valuePath */
  private parseAttrExp(inValuePath: boolean): FilterNode {
    const { path, token } = this.parsePath();
    const t = this.lexer.next();
    if (t.kind === 'lbracket') {
      if (inValuePath) {
        throw this.fail(
          `A value filter cannot contain another value filter ` +
            `(${quoteSnippet(token.text)}[ at position ${t.pos})`,
        );
      }
      const { filter, close } = this.parseBracketFilter(t);
      const sub = this.lexer.peek();
      const attached = sub.kind === 'word' && sub.pos === close.end && sub.text.startsWith('.');
      if (this.options.subAttrAfterValuePath && attached) {
        this.lexer.next();
        const name = sub.text.slice(1);
        if (!isAttrName(name)) {
          throw this.fail(`Invalid sub-attribute ${quoteSnippet(name)} at position ${sub.pos + 1}`);
        }
        const right = this.parseOperation({ attr: name }, inValuePath);
        return { kind: 'valuePath', path, filter: { kind: 'and', left: filter, right } };
      }
      return { kind: 'valuePath', path, filter };
    }
    return this.parseOperation(path, inValuePath, t);
  }

  /** `pr` / compareOp compValue after `path`; `t` is the operator token when already read. */
  private parseOperation(path: AttrPath, inValuePath: boolean, t = this.lexer.next()): FilterNode {
    const op = t.kind === 'word' ? t.text.toLowerCase() : '';
    if (op === 'pr') {
      return { kind: 'present', path };
    }
    if (!COMPARE_OP_SET.has(op)) {
      throw this.expected(inValuePath ? 'comparison operator' : `comparison operator or '['`, t);
    }
    const value = this.parseValue();
    return { kind: 'compare', path, op: op as CompareOp, value };
  }

  /** valFilter "]" after the opening bracket `open` has been consumed. */
  parseBracketFilter(open: Token): { filter: FilterNode; close: Token } {
    this.enter(open);
    const filter = this.parseOr(true);
    const close = this.expect('rbracket', `']'`, `to close '[' at position ${open.pos}`);
    this.leave();
    return { filter, close };
  }

  /** compValue = false / null / true / number / string */
  private parseValue(): FilterValue {
    const t = this.lexer.next();
    if (t.kind === 'string') {
      return t.value ?? '';
    }
    if (t.kind === 'word') {
      switch (t.text.toLowerCase()) {
        case 'true':
          return true;
        case 'false':
          return false;
        case 'null':
          return null;
      }
      if (isJsonNumber(t.text)) {
        const n = Number(t.text);
        if (!Number.isFinite(n)) {
          throw this.fail(`Number ${quoteSnippet(t.text)} at position ${t.pos} is out of range`);
        }
        return n === 0 ? 0 : n; // no -0 in the AST
      }
    }
    throw this.expected('comparison value (string, number, true, false or null)', t);
  }
}

function checkInput(text: unknown, what: string, fail: ErrorFactory): asserts text is string {
  if (typeof text !== 'string') {
    throw fail(`${what} must be a string`);
  }
  if (text.length > MAX_FILTER_LENGTH) {
    throw fail(`${what} exceeds the maximum length of ${MAX_FILTER_LENGTH} characters`);
  }
  // RFC 7643 §2.3.1: strings are Unicode characters; the lexer checks `\u` escapes the same way
  if (!isWellFormed(text)) {
    throw fail(`${what} is not well-formed Unicode (it holds a lone surrogate)`);
  }
}

/**
 * Parses a SCIM filter (RFC 7644 §3.4.2.2). Returns the AST or throws
 * `ScimError` with scimType `invalidFilter`; never any other exception.
 */
export function parseFilter(text: string, options?: FilterParseOptions): FilterNode {
  checkInput(text, 'Filter', ScimError.invalidFilter);
  const parser = new FilterParser(text, ScimError.invalidFilter, options);
  if (parser.lexer.peek().kind === 'eof') {
    throw ScimError.invalidFilter('Filter must not be empty');
  }
  const node = parser.parseOr(false);
  const t = parser.lexer.peek();
  if (t.kind !== 'eof') {
    throw ScimError.invalidFilter(
      `Expected 'and', 'or' or end of filter at position ${t.pos}, found ${describeToken(t)}`,
    );
  }
  return node;
}

/**
 * Parses a PATCH operation path (RFC 7644 §3.5.2): `attrPath / valuePath [subAttr]`, e.g.
 * `name.givenName`, `members[value eq "2819c223"]`, `emails[type eq "work"].value`.
 * Throws invalidPath for a malformed path; invalidFilter for a malformed filter between the
 * brackets (everything from `[` to its `]`).
 */
export function parseValuePath(text: string): ParsedValuePath {
  checkInput(text, 'Path', ScimError.invalidPath);
  const parser = new FilterParser(text, ScimError.invalidPath);
  const lexer = parser.lexer;
  if (lexer.peek().kind === 'eof') {
    throw ScimError.invalidPath('Path must not be empty');
  }
  const { path } = parser.parsePath();
  let t = lexer.next();
  if (t.kind === 'eof') {
    return { path };
  }
  if (t.kind !== 'lbracket') {
    throw ScimError.invalidPath(
      `Expected '[' or end of path at position ${t.pos}, found ${describeToken(t)}`,
    );
  }
  parser.setErrorFactory(ScimError.invalidFilter);
  const { filter, close } = parser.parseBracketFilter(t);
  parser.setErrorFactory(ScimError.invalidPath);
  t = lexer.next();
  if (t.kind === 'eof') {
    return { path, filter };
  }
  // subAttr = "." ATTRNAME, directly after the closing bracket
  if (t.kind === 'word' && t.pos === close.end && t.text.startsWith('.')) {
    const subAttr = t.text.slice(1);
    if (!isAttrName(subAttr)) {
      throw ScimError.invalidPath(
        `Invalid sub-attribute ${quoteSnippet(subAttr)} at position ${t.pos + 1}`,
      );
    }
    const rest = lexer.next();
    if (rest.kind !== 'eof') {
      throw ScimError.invalidPath(
        `Expected end of path at position ${rest.pos}, found ${describeToken(rest)}`,
      );
    }
    return { path, filter, subAttr };
  }
  throw ScimError.invalidPath(
    `Expected '.subAttribute' or end of path at position ${t.pos}, found ${describeToken(t)}`,
  );
}
