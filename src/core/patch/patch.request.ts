import { shownValue } from '../errors/shown-value';
import { ScimError } from '../errors/scim-error';
import { getCI, isPlainObject } from '../resource/json.util';
import { checkWellFormed } from '../resource/well-formed';
import { IdpProfile } from '../profile/idp-profile';
import { PatchOperation, PatchOpName } from './patch.types';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const OPS: readonly PatchOpName[] = ['add', 'remove', 'replace'];

/**
 * Validates a PATCH body (RFC 7644 §3.5.2) and returns its operations with `op` lower-cased.
 * - `schemas` MUST contain the PatchOp URN → invalidSyntax (§3.12: "did not conform to the request
 *   schema"); a missing `schemas` is tolerated with profile.missingSchemas = 'tolerate'.
 * - `Operations` MUST be an array of one or more operations → invalidSyntax.
 * - Member names are matched case-insensitively in every profile (RFC 7643 §2.1: attribute names
 *   are case insensitive; `operations`, `Op`, `Path` occur in the wild), and so are `op` values
 *   (Entra sends "Add"/"Replace"/"Remove", docs/idp/quirks.md #1); an unknown op → invalidSyntax.
 * - add/replace MUST carry "value" (§3.5.2.1, §3.5.2.3) → invalidValue ("a required value was
 *   missing", §3.12); remove without path → noTarget (§3.5.2.2).
 * - An empty or null `path` is the same as no path.
 * - A string anywhere in the body (values, paths) that is not well-formed Unicode → invalidValue
 *   (well-formed.ts).
 */
export function parsePatchRequest(body: unknown, profile: IdpProfile): PatchOperation[] {
  if (!isPlainObject(body)) {
    throw ScimError.invalidSyntax('The PATCH body must be a JSON object (RFC 7644 §3.5.2)');
  }
  checkWellFormed(body, 'The PATCH body');
  checkPatchSchemas(getCI(body, 'schemas'), profile);
  const ops = getCI(body, 'Operations');
  if (!Array.isArray(ops) || ops.length === 0) {
    throw ScimError.invalidSyntax(
      'The PATCH body must contain "Operations": an array of one or more operations',
    );
  }
  return ops.map((raw, i) => parseOperation(raw, i));
}

function checkPatchSchemas(schemas: unknown, profile: IdpProfile): void {
  const tolerate = profile.missingSchemas === 'tolerate';
  if (schemas === undefined || schemas === null) {
    if (!tolerate) {
      throw ScimError.invalidSyntax(
        `The PATCH body must contain "schemas": ["${PATCH_OP_SCHEMA}"]`,
      );
    }
    return;
  }
  if (!Array.isArray(schemas)) {
    throw ScimError.invalidSyntax('"schemas" must be an array of URI strings');
  }
  const hasPatchOp = schemas.some(
    (s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase(),
  );
  if (!hasPatchOp && !tolerate) {
    throw ScimError.invalidSyntax(`"schemas" must contain ${PATCH_OP_SCHEMA}`);
  }
}

function parseOperation(raw: unknown, i: number): PatchOperation {
  const where = `Operations[${i}]`;
  if (!isPlainObject(raw)) {
    throw ScimError.invalidSyntax(`${where} must be a JSON object`);
  }
  const opRaw = getCI(raw, 'op');
  const op = typeof opRaw === 'string' ? opRaw.trim().toLowerCase() : undefined;
  if (!op || !(OPS as readonly string[]).includes(op)) {
    throw ScimError.invalidSyntax(
      `${where}: "op" must be one of "add", "remove" or "replace", got ${shownValue(opRaw)}`,
    );
  }
  const pathRaw = getCI(raw, 'path');
  if (pathRaw !== undefined && pathRaw !== null && typeof pathRaw !== 'string') {
    throw ScimError.invalidPath(`${where}: "path" must be a string`);
  }
  const path = typeof pathRaw === 'string' && pathRaw.trim() !== '' ? pathRaw : undefined;
  const valueKey = Object.keys(raw).find((k) => k.toLowerCase() === 'value');
  const value = valueKey === undefined ? undefined : raw[valueKey];
  if (op !== 'remove' && valueKey === undefined) {
    throw ScimError.invalidValue(`${where}: "${op}" requires a "value" (RFC 7644 §3.5.2)`);
  }
  if (op === 'remove' && path === undefined) {
    throw ScimError.noTarget(`${where}: "remove" requires a "path" (RFC 7644 §3.5.2.2)`);
  }
  return {
    op: op as PatchOpName,
    ...(path !== undefined ? { path } : {}),
    ...(valueKey !== undefined ? { value } : {}),
  };
}

