import { ScimError } from '../errors/scim-error';
import type { IdpProfile } from '../profile/idp-profile';
import { findIn } from '../schema/schema.registry';
import { AttributeDefinition } from '../schema/schema.types';
import { describeType, isPlainObject, isUnassigned, JsonObject } from './json.util';

export interface CoerceOptions {
  /** collects the paths of dropped sub-attributes (unknown in lenient, readOnly on 'drop') */
  readonly ignored?: string[];
  /**
   * readOnly sub-attributes inside a value (members.display, manager.displayName):
   * 'drop' for POST/PUT (RFC 7644 §3.3, §3.5.1: "SHALL be ignored"), 'keep' (default) for PATCH
   * values, where Okta sends `members[].display` (SCIM 2.0 protocol reference, group push).
   */
  readonly readOnlySubAttributes?: 'drop' | 'keep';
  /** check `required` sub-attributes (a complete new complex value, e.g. a new element) */
  readonly checkRequired?: boolean;
}

/**
 * Checks `value` against its definition (RFC 7643 §2.3 data types, §2.4 multi-valued) and returns
 * the value to store: names rewritten to the schema's spelling, booleans/numbers coerced where the
 * profile allows it, dateTime normalized to ISO 8601 UTC. Returns undefined for an unassigned
 * value (RFC 7643 §2.5: null, [] and {} are "unassigned"; an empty string for a wrapped scalar
 * complex such as Entra's `manager: ""`). Throws ScimError invalidValue naming `path`.
 * String values are kept exactly as sent; canonicalValues are not enforced (RFC 7643 §2.3.1:
 * SHOULD).
 */
export function coerceValue(
  def: AttributeDefinition,
  value: unknown,
  path: string,
  profile: IdpProfile,
  opts: CoerceOptions = {},
): unknown {
  if (value === null || value === undefined) {
    return undefined;
  }
  if (!def.multiValued) {
    return coerceSingle(def, value, path, profile, opts);
  }
  let list: unknown[];
  if (Array.isArray(value)) {
    list = value;
  } else if (profile.singleValueAsArray) {
    list = [value];
  } else {
    throw ScimError.invalidValue(
      `Attribute '${path}' is multi-valued: expected an array, got ${describeType(value)}`,
    );
  }
  const out: unknown[] = [];
  list.forEach((item, i) => {
    const coerced = coerceSingle(def, item, `${path}[${i}]`, profile, opts);
    if (coerced !== undefined) {
      out.push(coerced);
    }
  });
  if (out.length === 0) {
    return undefined;
  }
  enforceSinglePrimary(def, out, path, profile);
  return out;
}

/** Coerces one (non-array) value of `def`; elements of multi-valued attributes go through here. */
export function coerceSingle(
  def: AttributeDefinition,
  value: unknown,
  path: string,
  profile: IdpProfile,
  opts: CoerceOptions = {},
): unknown {
  if (value === null || value === undefined) {
    return undefined;
  }
  switch (def.type) {
    case 'complex':
      return coerceComplex(def, value, path, profile, opts);
    case 'string':
    case 'reference':
    case 'binary':
      return coerceString(def, value, path);
    case 'boolean':
      return coerceBoolean(value, path, profile);
    case 'integer':
    case 'decimal':
      return coerceNumber(def, value, path, profile);
    case 'dateTime':
      return coerceDateTime(value, path);
  }
}

function typeError(def: AttributeDefinition, value: unknown, path: string): ScimError {
  return ScimError.invalidValue(
    `Attribute '${path}' must be of type ${def.type}, got ${describeType(value)}`,
  );
}

function coerceString(def: AttributeDefinition, value: unknown, path: string): string {
  if (typeof value !== 'string') {
    throw typeError(def, value, path);
  }
  return value;
}

function coerceBoolean(value: unknown, path: string, profile: IdpProfile): boolean {
  if (typeof value === 'boolean') {
    return value;
  }
  // docs/idp/quirks.md #2: Entra sends "True"/"False" unless aadOptscim062020 is set.
  if (typeof value === 'string' && profile.coerceBooleanStrings) {
    const lower = value.trim().toLowerCase();
    if (lower === 'true' || lower === 'false') {
      return lower === 'true';
    }
  }
  throw ScimError.invalidValue(
    `Attribute '${path}' must be of type boolean, got ${describeType(value)}` +
      (typeof value === 'string' ? ` ${JSON.stringify(value)}` : ''),
  );
}

function coerceNumber(
  def: AttributeDefinition,
  value: unknown,
  path: string,
  profile: IdpProfile,
): number {
  let n: number | undefined;
  if (typeof value === 'number') {
    n = value;
  } else if (
    typeof value === 'string' &&
    profile.coerceNumericStrings &&
    /^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(value)
  ) {
    n = Number(value);
  }
  if (n === undefined || !Number.isFinite(n)) {
    throw typeError(def, value, path);
  }
  // RFC 7643 §2.3.4: an integer has no fractional part or exponent.
  if (def.type === 'integer' && !Number.isInteger(n)) {
    throw ScimError.invalidValue(`Attribute '${path}' must be an integer, got ${n}`);
  }
  return n;
}

const XSD_DATE_TIME =
  /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** RFC 7643 §2.3.5: an xsd:dateTime string; returned normalized to ISO 8601 UTC. */
export function normalizeDateTime(text: string): string | undefined {
  const m = XSD_DATE_TIME.exec(text);
  if (!m) {
    return undefined;
  }
  const [, y, mo, d, h, mi, s] = m;
  const month = Number(mo);
  const day = Number(d);
  const daysInMonth = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) {
    return undefined;
  }
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return undefined;
  }
  // No zone: xsd leaves it "local"; a server has no client locale, so read it as UTC.
  const ms = Date.parse(m[8] ? text : `${text}Z`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function coerceDateTime(value: unknown, path: string): string {
  const iso = typeof value === 'string' ? normalizeDateTime(value) : undefined;
  if (iso === undefined) {
    throw ScimError.invalidValue(
      `Attribute '${path}' must be an xsd:dateTime string (e.g. 2015-09-01T12:00:00Z), got ` +
        (typeof value === 'string' ? JSON.stringify(value) : describeType(value)),
    );
  }
  return iso;
}

/**
 * The SCIM 2.0 Interoperability Profile: clients use only the `type` values a multi-valued
 * attribute declares in canonicalValues (compared without case: `type` is caseExact false).
 */
function checkCanonicalType(sub: AttributeDefinition, value: unknown, path: string): void {
  const allowed = sub.canonicalValues ?? [];
  if (!allowed.some((c) => c.toLowerCase() === String(value).toLowerCase())) {
    throw ScimError.invalidValue(
      `'${path}' must be one of the declared canonical values` +
        (allowed.length ? ` (${allowed.join(', ')})` : ': none are declared for it'),
    );
  }
}

function coerceComplex(
  def: AttributeDefinition,
  value: unknown,
  path: string,
  profile: IdpProfile,
  opts: CoerceOptions,
): JsonObject | undefined {
  const subs = def.subAttributes ?? [];
  let obj = value;
  // docs/idp/quirks.md #8: Entra sends manager as a bare id and "" to remove it.
  if (
    (typeof obj === 'string' || typeof obj === 'number') &&
    profile.wrapScalarForComplex &&
    findIn(subs, 'value')
  ) {
    if (obj === '') {
      return undefined;
    }
    obj = { value: obj };
  }
  if (!isPlainObject(obj)) {
    throw ScimError.invalidValue(
      `Attribute '${path}' must be a complex value (JSON object), got ${describeType(value)}`,
    );
  }
  const out: JsonObject = {};
  for (const [key, raw] of Object.entries(obj)) {
    const sub = findIn(subs, key);
    const subPath = `${path}.${sub?.name ?? key}`;
    if (!sub) {
      if (profile.unknownAsInvalidSyntax) {
        throw ScimError.invalidSyntax(`Attribute '${path}' has no sub-attribute '${key}'`);
      }
      if (profile.unknownAttributes === 'reject') {
        throw ScimError.invalidValue(`Attribute '${path}' has no sub-attribute '${key}'`);
      }
      opts.ignored?.push(subPath);
      continue;
    }
    if (sub.mutability === 'readOnly' && opts.readOnlySubAttributes === 'drop') {
      if (raw !== null && raw !== undefined) {
        opts.ignored?.push(subPath);
      }
      continue;
    }
    const coerced = coerceValue(sub, raw, subPath, profile, opts);
    if (coerced !== undefined) {
      if (profile.canonicalTypesOnly && def.multiValued && sub.name === 'type') {
        checkCanonicalType(sub, coerced, subPath);
      }
      out[sub.name] = coerced;
    }
  }
  if (isUnassigned(out)) {
    return undefined;
  }
  if (opts.checkRequired) {
    checkRequiredSubAttributes(def, out, path);
  }
  return out;
}

/** RFC 7643 §2.2 `required` for the sub-attributes of one complex value. */
export function checkRequiredSubAttributes(
  def: AttributeDefinition,
  value: JsonObject,
  path: string,
): void {
  for (const sub of def.subAttributes ?? []) {
    if (sub.required && sub.mutability !== 'readOnly' && isUnassigned(value[sub.name])) {
      throw ScimError.invalidValue(`Attribute '${path}' requires the sub-attribute '${sub.name}'`);
    }
  }
}

/**
 * RFC 7643 §2.4: "The primary attribute value "true" MUST appear no more than once."
 * Strict: 400 invalidValue. profile.keepFirstPrimary: the first stays primary, later ones get
 * false.
 */
export function enforceSinglePrimary(
  def: AttributeDefinition,
  list: unknown[],
  path: string,
  profile: IdpProfile,
): void {
  if (!findIn(def.subAttributes ?? [], 'primary')) {
    return;
  }
  const primaries = list.filter((e) => isPlainObject(e) && e.primary === true) as JsonObject[];
  if (primaries.length <= 1) {
    return;
  }
  if (!profile.keepFirstPrimary) {
    throw ScimError.invalidValue(
      `Attribute '${path}' has ${primaries.length} values with primary=true; ` +
        'at most one is allowed',
    );
  }
  for (const e of primaries.slice(1)) {
    e.primary = false;
  }
}
