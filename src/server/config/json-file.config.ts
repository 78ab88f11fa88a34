import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ResolvedResourceType, ScimResourceTypeOption } from '../../scim/scim.options';
import { ENTITLEMENT_CATALOGUE_TYPE, ROLE_CATALOGUE_TYPE } from '../../library';
import { resolveResourceTypes } from '../../library/resource-types.validate';
import { ConfigError } from './config-error';

/**
 * The JSON held by the file an environment variable names, or undefined when the variable is
 * unset: an unreadable file or invalid JSON stops the start with a ConfigError naming both.
 */
export function readJsonConfigFile(env: NodeJS.ProcessEnv, name: string): unknown {
  const file = env[name]?.trim();
  if (!file) {
    return undefined;
  }
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(
      `${name}="${file}": cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${name}="${file}" is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * SCIM_RESOURCE_TYPES: a JSON file holding an array of `{ resourceType, schemas, scope? }`
 * (RFC 7643 §6 resource type, §7 schemas): the types served beyond User and Group, stored in
 * the shared scim_resources tables, checked as ScimModule checks its `resourceTypes` option.
 */
export function loadResourceTypes(env: NodeJS.ProcessEnv): ResolvedResourceType[] {
  const json = readJsonConfigFile(env, 'SCIM_RESOURCE_TYPES');
  const catalogue = catalogueTypesOf(env);
  if (json === undefined && !catalogue.length) {
    return [];
  }
  if (json !== undefined && !Array.isArray(json)) {
    throw new ConfigError(`SCIM_RESOURCE_TYPES="${env.SCIM_RESOURCE_TYPES?.trim()}": must be a list of { resourceType, schemas }`);
  }
  try {
    return resolveResourceTypes([...catalogue, ...((json as unknown[]) ?? [])]);
  } catch (e) {
    throw new ConfigError(`SCIM_RESOURCE_TYPES="${env.SCIM_RESOURCE_TYPES?.trim()}": ${(e as Error).message}`);
  }
}

const CATALOGUE_TYPES: Record<string, ScimResourceTypeOption> = {
  role: ROLE_CATALOGUE_TYPE,
  entitlement: ENTITLEMENT_CATALOGUE_TYPE,
};

/**
 * SCIM_CATALOGUE=Role,Entitlement: the library's catalogue types to serve (Okta's Role at
 * /Roles, Entitlement at /Entitlements; Okta Identity Governance imports them), values from
 * the tenant's roles and its catalogue table. Empty or unset: none.
 */
function catalogueTypesOf(env: NodeJS.ProcessEnv): ScimResourceTypeOption[] {
  const names = (env.SCIM_CATALOGUE ?? '').split(',').map((n) => n.trim()).filter(Boolean);
  const types = names.map((n) => CATALOGUE_TYPES[n.toLowerCase()]);
  if (types.some((t) => t === undefined) || new Set(types).size !== types.length) {
    throw new ConfigError(`SCIM_CATALOGUE="${env.SCIM_CATALOGUE}" must list distinct types among Role, Entitlement`);
  }
  return types;
}
