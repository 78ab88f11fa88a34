/**
 * RFC 7644 §3.10 attribute notation: `[urn ":"] attrName ["." subAttr]`.
 * Schema-agnostic: names are kept as written; the registry resolves them case-insensitively.
 */
export interface AttrPath {
  /** schema URN when the path is fully qualified, e.g. the Enterprise User URN */
  readonly uri?: string;
  readonly attr: string;
  readonly sub?: string;
}

const ATTR_NAME = /^\$?[A-Za-z][\w$-]*$/;

/** Returns undefined when `text` is not a well-formed attribute path. */
export function parseAttrPath(text: string): AttrPath | undefined {
  let rest = text;
  let uri: string | undefined;
  if (/^urn:/i.test(text)) {
    const idx = text.lastIndexOf(':');
    uri = text.slice(0, idx);
    rest = text.slice(idx + 1);
    if (!uri || !rest) {
      return undefined;
    }
  }
  const parts = rest.split('.');
  if (parts.length > 2 || !parts.every((p) => ATTR_NAME.test(p))) {
    return undefined;
  }
  return {
    ...(uri !== undefined ? { uri } : {}),
    attr: parts[0],
    ...(parts[1] !== undefined ? { sub: parts[1] } : {}),
  };
}

export function formatAttrPath(p: AttrPath): string {
  const base = p.sub !== undefined ? `${p.attr}.${p.sub}` : p.attr;
  return p.uri !== undefined ? `${p.uri}:${base}` : base;
}

export function isAttrName(text: string): boolean {
  return ATTR_NAME.test(text);
}
