/**
 * The input of the tenant catalogue's admin API and CLI: an entry's fields, checked at the
 * boundary (400 invalidValue naming what is wrong).
 */
import { ScimError } from '../core/errors/scim-error';
import { CatalogueEntry, catalogueValueProblem } from '../core/ports/catalogue';
import { ScimJson } from '../core/ports/resource.types';
import { checkWellFormed } from '../core/resource/well-formed';

const invalid = (detail: string) => ScimError.invalidValue(detail);

/** the fields PUT .../catalogue/:type/:value accepts, with their longest length */
const TEXT_FIELDS = { displayName: 255, type: 64, description: 1024 } as const;
const FIELDS = [...Object.keys(TEXT_FIELDS), 'supported', 'attributes', 'value'];

/** A catalogue value from a URL or a flag: 400 invalidValue when it cannot be one. */
export function checkCatalogueValue(value: unknown): string {
  const problem = catalogueValueProblem(value);
  if (problem) {
    throw invalid(`The catalogue value ${problem}`);
  }
  return value as string;
}

/**
 * `{ displayName?, type?, description?, supported?, attributes? }` for `value`; a `value` in
 * the body must equal the one in the URL.
 */
export function parseCatalogueEntry(value: unknown, body: unknown): CatalogueEntry {
  const v = checkCatalogueValue(value);
  const o = body === undefined || body === null ? {} : body;
  if (typeof o !== 'object' || Array.isArray(o)) {
    throw invalid('The request body must be a JSON object');
  }
  checkWellFormed(o, 'The request body');
  const fields = o as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!FIELDS.includes(key)) {
      throw invalid(`Unknown field "${key.slice(0, 64)}": use ${FIELDS.join(', ')}`);
    }
  }
  if (fields.value !== undefined && fields.value !== v) {
    throw invalid('"value" must be the value in the path');
  }
  const out: Record<string, unknown> = { value: v };
  for (const [key, max] of Object.entries(TEXT_FIELDS)) {
    const f = fields[key];
    if (f === undefined || f === null) {
      continue;
    }
    if (typeof f !== 'string' || f.trim() === '' || [...f].length > max) {
      throw invalid(`"${key}" must be a non-empty string of at most ${max} characters`);
    }
    out[key] = f;
  }
  if (fields.supported !== undefined && typeof fields.supported !== 'boolean') {
    throw invalid('"supported" must be true or false');
  }
  if (fields.supported === false) {
    out.supported = false;
  }
  const attributes = fields.attributes;
  if (attributes !== undefined && attributes !== null) {
    if (typeof attributes !== 'object' || Array.isArray(attributes)) {
      throw invalid('"attributes" must be an object (extension attributes under their schema URN)');
    }
    if (JSON.stringify(attributes).length > 16_384) {
      throw invalid('"attributes" must be at most 16 KiB of JSON');
    }
    out.attributes = attributes as ScimJson;
  }
  return out as unknown as CatalogueEntry;
}
