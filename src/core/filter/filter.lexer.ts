/**
 * Hand-written lexer for the SCIM filter language (RFC 7644 §3.4.2.2, Figure 1).
 *
 * Tokens: `(` `)` `[` `]`, JSON strings (RFC 8259 §7, decoded here) and "words": maximal runs
 * of characters that are neither whitespace nor one of `()[]"`. A word is an attribute path
 * (`urn:...:User:manager.value`), an operator (`eq`, `and`, ...) or a literal (`true`, `-1.5e3`);
 * the parser decides which from its position, so an attribute may be called `and` or `pr`.
 *
 * Single pass, no regular expressions, no backtracking: linear in the input length.
 */
import { ScimError } from '../errors/scim-error';
import { isWellFormed } from '../resource/well-formed';

export type TokenKind = 'word' | 'string' | 'lparen' | 'rparen' | 'lbracket' | 'rbracket' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** the source text of the token (for a string: including the quotes) */
  readonly text: string;
  /** the decoded value of a string token */
  readonly value?: string;
  /** character offset (UTF-16 code units, 0-based) of the first character */
  readonly pos: number;
  /** offset just past the token */
  readonly end: number;
}

/** Builds the error thrown for a syntax error; swapped by the PATCH path parser. */
export type ErrorFactory = (detail: string) => ScimError;

const CH_TAB = 0x09;
const CH_LF = 0x0a;
const CH_VT = 0x0b;
const CH_FF = 0x0c;
const CH_CR = 0x0d;
const CH_SPACE = 0x20;
const CH_QUOTE = 0x22;
const CH_LPAREN = 0x28;
const CH_RPAREN = 0x29;
const CH_LBRACKET = 0x5b;
const CH_BACKSLASH = 0x5c;
const CH_RBRACKET = 0x5d;

/** RFC 7644 requires SP between tokens; we accept any run of ASCII whitespace. */
export function isFilterWhitespace(c: number): boolean {
  return c === CH_SPACE || c === CH_TAB || c === CH_LF || c === CH_CR || c === CH_VT || c === CH_FF;
}

function isDelimiter(c: number): boolean {
  return (
    c === CH_LPAREN || c === CH_RPAREN || c === CH_LBRACKET || c === CH_RBRACKET || c === CH_QUOTE
  );
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) {
    return c - 0x30;
  }
  if (c >= 0x41 && c <= 0x46) {
    return c - 0x37;
  }
  if (c >= 0x61 && c <= 0x66) {
    return c - 0x57;
  }
  return -1;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** A short, quoted rendering of source text for error details. */
export function quoteSnippet(text: string): string {
  const max = 32;
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}...` : text);
}

export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'end of input';
    case 'string':
      return `string ${quoteSnippet(t.text)}`;
    case 'word':
      return quoteSnippet(t.text);
    default:
      return `"${t.text}"`;
  }
}

/** Lazily tokenizes `src`, with arbitrary look-ahead through `peek(n)`. */
export class FilterLexer {
  private offset = 0;
  private readonly buffer: Token[] = [];

  constructor(
    private readonly src: string,
    /** factory for lexical errors (invalidFilter by default) */
    public fail: ErrorFactory = ScimError.invalidFilter,
  ) {}

  peek(ahead = 0): Token {
    while (this.buffer.length <= ahead) {
      this.buffer.push(this.scan());
    }
    return this.buffer[ahead];
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') {
      this.buffer.shift();
    }
    return t;
  }

  private scan(): Token {
    const src = this.src;
    const len = src.length;
    let i = this.offset;
    while (i < len && isFilterWhitespace(src.charCodeAt(i))) {
      i++;
    }
    if (i >= len) {
      this.offset = len;
      return { kind: 'eof', text: '', pos: len, end: len };
    }
    const c = src.charCodeAt(i);
    let kind: TokenKind | undefined;
    switch (c) {
      case CH_LPAREN:
        kind = 'lparen';
        break;
      case CH_RPAREN:
        kind = 'rparen';
        break;
      case CH_LBRACKET:
        kind = 'lbracket';
        break;
      case CH_RBRACKET:
        kind = 'rbracket';
        break;
      case CH_QUOTE:
        return this.scanString(i);
    }
    if (kind) {
      this.offset = i + 1;
      return { kind, text: src[i], pos: i, end: i + 1 };
    }
    let j = i + 1;
    while (j < len) {
      const d = src.charCodeAt(j);
      if (isFilterWhitespace(d) || isDelimiter(d)) {
        break;
      }
      j++;
    }
    this.offset = j;
    return { kind: 'word', text: src.slice(i, j), pos: i, end: j };
  }

  /** RFC 8259 §7 string, starting at the opening quote at `start`. */
  private scanString(start: number): Token {
    const src = this.src;
    const len = src.length;
    let out = '';
    let chunk = start + 1;
    let i = start + 1;
    // a `\u` escape of a surrogate: the decoded value may hold a lone one (the source text itself
    // is well-formed: the parser checks it first)
    let escapedSurrogate = false;
    while (i < len) {
      const c = src.charCodeAt(i);
      if (c === CH_QUOTE) {
        out += src.slice(chunk, i);
        if (escapedSurrogate && !isWellFormed(out)) {
          // `"\ud800"` spells no character (RFC 7643 §2.3.1: strings are Unicode characters)
          throw this.fail(`String at position ${start} is not well-formed Unicode (a lone surrogate)`);
        }
        this.offset = i + 1;
        const end = i + 1;
        return { kind: 'string', text: src.slice(start, end), value: out, pos: start, end };
      }
      if (c < 0x20) {
        throw this.fail(
          `Unescaped control character U+${c.toString(16).padStart(4, '0').toUpperCase()} ` +
            `in string at position ${i}`,
        );
      }
      if (c !== CH_BACKSLASH) {
        i++;
        continue;
      }
      out += src.slice(chunk, i);
      if (i + 1 >= len) {
        break;
      }
      const e = src[i + 1];
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        i += 2;
      } else if (e === 'u') {
        let code = 0;
        for (let k = 2; k < 6; k++) {
          const h = i + k < len ? hexValue(src.charCodeAt(i + k)) : -1;
          if (h < 0) {
            throw this.fail(`Invalid \\u escape in string at position ${i}: expected 4 hex digits`);
          }
          code = code * 16 + h;
        }
        out += String.fromCharCode(code);
        escapedSurrogate ||= code >= 0xd800 && code <= 0xdfff;
        i += 6;
      } else {
        throw this.fail(`Invalid escape sequence ${quoteSnippet('\\' + e)} at position ${i}`);
      }
      chunk = i;
    }
    throw this.fail(`Unterminated string starting at position ${start}: expected closing '"'`);
  }
}
