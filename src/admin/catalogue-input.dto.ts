/**
 * The input of the tenant catalogue's admin API and CLI: an entry's fields, checked at the
 * boundary (400 invalidValue naming what is wrong).
 */
import { ScimError } from '../core/errors/scim-error';
import {
  CatalogueEntry,
  MAX_CATALOGUE_VALUE_LENGTH,
  catalogueValueProblem,
} from '../core/ports/catalogue';
import { ScimJson } from '../core/ports/resource.types';
import {
  AdminInput,
  Also,
  AnyField,
  BooleanField,
  ObjectField,
  StringField,
} from './admin-input.decorators';
import { toAdminInput } from './admin-input.pipe';

const invalid = (detail: string) => ScimError.invalidValue(detail);
/** the most JSON an entry's further attributes may take */
const MAX_ATTRIBUTES_JSON = 16_384;

/** A catalogue value from a URL or a flag: 400 invalidValue when it cannot be one. */
export function checkCatalogueValue(value: unknown): string {
  const problem = catalogueValueProblem(value);
  if (problem) {
    throw invalid(`The catalogue value ${problem}`);
  }
  return value as string;
}

/** A text field of an entry: null or absent = none; otherwise 1 to `max` characters, not blank. */
function TextField(max: number, description: string): PropertyDecorator {
  return (target, key) =>
    StringField({
      nullable: true,
      accepts: (v) => v.trim() !== '' && [...v].length <= max,
      message: `"${String(key)}" must be a non-empty string of at most ${max} characters`,
      description,
      schema: { minLength: 1, maxLength: max },
    })(target, key);
}

/**
 * PUT .../catalogue/:type/:value: `{ displayName?, type?, description?, supported?, attributes? }`
 * (no body: an entry of the value alone); a `value` in the body must equal the one in the path.
 */
@AdminInput({ emptyBody: true })
export class CatalogueEntryDto {
  @TextField(255, 'the name an administrator sees; default the value')
  displayName?: string | null;

  @TextField(64, "a label of the entry's function, e.g. License")
  type?: string | null;

  @TextField(1024, 'what the entry grants')
  description?: string | null;

  @BooleanField({
    message: '"supported" must be true or false',
    description: 'false: listed, but not assignable; default true',
  })
  supported?: boolean;

  @ObjectField({
    nullable: true,
    message: '"attributes" must be an object (extension attributes under their schema URN)',
    description:
      "further attributes of the type's schemas (contains...; an extension's under its URN), at most 16 KiB of JSON",
  })
  @Also(
    (v) => typeof v !== 'object' || JSON.stringify(v).length <= MAX_ATTRIBUTES_JSON,
    '"attributes" must be at most 16 KiB of JSON',
  )
  attributes?: ScimJson | null;

  @AnyField({
    description: 'the value in the path, if given',
    schema: { type: 'string', minLength: 1, maxLength: MAX_CATALOGUE_VALUE_LENGTH },
  })
  value?: unknown;

  /** the entry for the value in the path (400 when the path's value cannot be one) */
  toEntry(pathValue: unknown): CatalogueEntry {
    const value = checkCatalogueValue(pathValue);
    if (this.value !== undefined && this.value !== value) {
      throw invalid('"value" must be the value in the path');
    }
    return {
      value,
      ...(typeof this.displayName === 'string' ? { displayName: this.displayName } : {}),
      ...(typeof this.type === 'string' ? { type: this.type } : {}),
      ...(typeof this.description === 'string' ? { description: this.description } : {}),
      ...(this.supported === false ? { supported: false } : {}),
      ...(this.attributes ? { attributes: this.attributes } : {}),
    };
  }
}

/** An entry from the CLI's flags (or any JSON object), checked as the admin API checks it. */
export function parseCatalogueEntry(value: unknown, body: unknown): CatalogueEntry {
  checkCatalogueValue(value);
  return toAdminInput(CatalogueEntryDto, body, 'body').toEntry(value);
}
