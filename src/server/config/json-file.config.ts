import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ResolvedResourceType } from '../../scim/scim.options';
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
  if (json === undefined) {
    return [];
  }
  try {
    return resolveResourceTypes(json);
  } catch (e) {
    throw new ConfigError(`SCIM_RESOURCE_TYPES="${env.SCIM_RESOURCE_TYPES?.trim()}": ${(e as Error).message}`);
  }
}
