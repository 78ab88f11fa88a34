import { SchemaDefinitionError, parseExtensionSchemas } from '../core/schema/schema.validator';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../core/schema/user.schema';
import { GROUP_SCHEMA } from '../core/schema/group.schema';
import { CATALOGUE_SCHEMA_IDS, catalogueKindOf } from '../core/schema/catalogue.schema';
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
  const taken = [USER_SCHEMA.id, ENTERPRISE_USER_SCHEMA.id, GROUP_SCHEMA.id, ...Object.values(CATALOGUE_SCHEMA_IDS)];
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
    const catalogue = checkCatalogue(raw, where);
    let schemas;
    try {
      // a catalogue type's values live in memory: any attribute can be filtered there
      const multiValuedComplex = catalogue || (raw.table ?? genericTable(rt.name)).valuesTable !== undefined;
      schemas = parseExtensionSchemas(raw.schemas, { taken, multiValuedComplex });
    } catch (e) {
      throw e instanceof SchemaDefinitionError ? new Error(`${where}: ${e.message}`, { cause: e }) : e;
    }
    taken.push(...schemas.map((s) => s.id));
    const extensions = rt.schemaExtensions ?? [];
    // a catalogue type's core schema is the library's Role or Entitlement schema
    for (const id of [...(catalogue ? [] : [rt.schema]), ...extensions.map((e) => e.schema)]) {
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

/**
 * A `catalogue` entry's shape: `{ provider?: class | { useExisting }, writable?: boolean }`,
 * on a type whose core schema is Okta's Role or Entitlement URN (what Okta Identity Governance
 * imports). true when the type is a catalogue type.
 */
function checkCatalogue(raw: ScimResourceTypeOption, where: string): boolean {
  const c = raw.catalogue as unknown;
  if (c === undefined) {
    if (catalogueKindOf(String(raw.resourceType.schema)) !== undefined) {
      throw new Error(`${where}: the schema ${raw.resourceType.schema} is a catalogue schema: add catalogue: {}`);
    }
    return false;
  }
  if (typeof c !== 'object' || c === null || Array.isArray(c)) {
    throw new Error(`${where}: catalogue must be an object { provider?, writable? }`);
  }
  if (raw.store !== undefined) {
    throw new Error(`${where}: a catalogue type takes a catalogue.provider, not a store`);
  }
  const { provider, writable, ...rest } = c as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length) {
    throw new Error(`${where}: catalogue has no option "${unknown[0]}" (use provider, writable)`);
  }
  const isAdapter =
    typeof provider === 'function' ||
    (typeof provider === 'object' && provider !== null && (provider as { useExisting?: unknown }).useExisting !== undefined);
  if (provider !== undefined && !isAdapter) {
    throw new Error(`${where}: catalogue.provider must be a class or { useExisting: <token> }`);
  }
  if (writable !== undefined && typeof writable !== 'boolean') {
    throw new Error(`${where}: catalogue.writable must be true or false`);
  }
  if (catalogueKindOf(String(raw.resourceType.schema)) === undefined) {
    throw new Error(
      `${where}: a catalogue type's schema must be ${Object.values(CATALOGUE_SCHEMA_IDS).join(' or ')} ` +
        '(its own attributes go in an extension schema)',
    );
  }
  return true;
}
