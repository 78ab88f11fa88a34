import { SchemaDefinitionError, parseExtensionSchemas } from '../core/schema/schema.validator';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../core/schema/user.schema';
import { GROUP_SCHEMA } from '../core/schema/group.schema';
import { MAX_RESOURCE_TYPE_LENGTH, genericTable } from '../persistence/sql-store/table-descriptor';
import { ResolvedResourceType, ScimResourceTypeOption } from '../scim/scim.options';

/** Endpoints RFC 7644 §3.2 and this server already give a meaning. */
const RESERVED_ENDPOINTS = ['users', 'groups', 'schemas', 'resourcetypes', 'serviceproviderconfig', 'bulk', 'me'];
const RESERVED_SCOPES = ['users', 'groups'];

/**
 * Checks the `resourceTypes` option at boot, naming the offending entry: a name (RFC 7643 §6)
 * of at most 64 characters, not User or Group, unique; an endpoint `/<Name>` not reserved by
 * RFC 7644 §3.2; its schemas well-formed (§2.2 defaults filled in) with the core schema and
 * every extension among them; a scope prefix of lower-case letters, digits, `-` and `_`.
 */
export function resolveResourceTypes(input: unknown): ResolvedResourceType[] {
  if (input === undefined) {
    return [];
  }
  if (!Array.isArray(input)) {
    throw new Error('ScimModule: resourceTypes must be a list of { resourceType, schemas }');
  }
  const names = new Set<string>(['user', 'group']);
  const endpoints = new Set<string>(RESERVED_ENDPOINTS);
  const scopes = new Set<string>(RESERVED_SCOPES);
  const taken = [USER_SCHEMA.id, ENTERPRISE_USER_SCHEMA.id, GROUP_SCHEMA.id];
  return input.map((raw: ScimResourceTypeOption, i) => {
    const rt = raw?.resourceType;
    const where = `ScimModule resourceTypes[${i}]${typeof rt?.name === 'string' ? ` "${rt.name}"` : ''}`;
    if (!rt || typeof rt.name !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(rt.name)) {
      throw new Error(`${where}: resourceType.name must be a name of letters, digits, - and _`);
    }
    if (rt.name.length > MAX_RESOURCE_TYPE_LENGTH || names.has(rt.name.toLowerCase())) {
      throw new Error(`${where}: the name is taken or longer than ${MAX_RESOURCE_TYPE_LENGTH} characters`);
    }
    names.add(rt.name.toLowerCase());
    if (typeof rt.endpoint !== 'string' || !/^\/[A-Za-z][A-Za-z0-9_-]*$/.test(rt.endpoint)) {
      throw new Error(`${where}: resourceType.endpoint must look like "/Devices"`);
    }
    const endpoint = rt.endpoint.slice(1).toLowerCase();
    if (endpoints.has(endpoint)) {
      throw new Error(`${where}: the endpoint ${rt.endpoint} is reserved or already served`);
    }
    endpoints.add(endpoint);
    const scope = raw.scope ?? endpoint;
    if (typeof scope !== 'string' || !/^[a-z][a-z0-9_-]{0,63}$/.test(scope) || scopes.has(scope)) {
      throw new Error(`${where}: scope "${String(scope)}" must be a new prefix of a-z, 0-9, - and _`);
    }
    scopes.add(scope);
    let schemas;
    try {
      schemas = parseExtensionSchemas(raw.schemas, { taken, multiValuedComplex: (raw.table ?? genericTable(rt.name)).valuesTable !== undefined });
    } catch (e) {
      throw e instanceof SchemaDefinitionError ? new Error(`${where}: ${e.message}`, { cause: e }) : e;
    }
    taken.push(...schemas.map((s) => s.id));
    const extensions = rt.schemaExtensions ?? [];
    for (const id of [rt.schema, ...extensions.map((e) => e.schema)]) {
      if (!schemas.some((s) => s.id.toLowerCase() === String(id).toLowerCase())) {
        throw new Error(`${where}: schema ${String(id)} is not among its schemas`);
      }
    }
    const table = raw.table ?? genericTable(rt.name);
    if (table.resourceType !== rt.name) {
      throw new Error(`${where}: table describes ${table.resourceType}, not ${rt.name}`);
    }
    return {
      ...raw,
      resourceType: {
        ...rt,
        id: rt.id ?? rt.name,
        description: rt.description ?? rt.name,
        schemaExtensions: extensions.map((e) => ({ schema: e.schema, required: e.required === true })),
      },
      schemas,
      scope,
      table,
    };
  });
}
