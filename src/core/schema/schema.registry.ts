import { AttrPath } from './attr-path';
import { COMMON_ATTRIBUTES } from './common.schema';
import { GROUP_SCHEMA } from './group.schema';
import {
  AttributeDefinition,
  ResourceTypeDefinition,
  SchemaDefinition,
} from './schema.types';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from './user.schema';

/** An attribute path resolved against a resource type's schemas. */
export interface ResolvedAttribute {
  /** URN of the schema that defines the attribute (core schema for common attributes) */
  readonly schemaId: string;
  /** true when the attribute lives in an extension schema (stored under the URN key) */
  readonly extension: boolean;
  /** true for id / externalId / meta */
  readonly common: boolean;
  readonly attribute: AttributeDefinition;
  readonly subAttribute?: AttributeDefinition;
  /** the path with names spelled as the schema spells them */
  readonly canonical: AttrPath;
}

const lower = (s: string) => s.toLowerCase();

/**
 * Holds the schemas and resource types of one server: the single source for discovery
 * (/Schemas, /ResourceTypes), validation, filtering, PATCH and projection.
 */
export class SchemaRegistry {
  private readonly schemas = new Map<string, SchemaDefinition>();
  private readonly resourceTypes = new Map<string, ResourceTypeDefinition>();

  constructor(schemas: readonly SchemaDefinition[], resourceTypes: readonly ResourceTypeDefinition[]) {
    for (const s of schemas) {
      this.schemas.set(lower(s.id), s);
    }
    for (const rt of resourceTypes) {
      for (const id of [rt.schema, ...rt.schemaExtensions.map((e) => e.schema)]) {
        if (!this.schemas.has(lower(id))) {
          throw new Error(`Resource type ${rt.name} refers to unknown schema ${id}`);
        }
      }
      this.resourceTypes.set(lower(rt.name), rt);
    }
  }

  listSchemas(): SchemaDefinition[] {
    return [...this.schemas.values()];
  }

  getSchema(id: string): SchemaDefinition | undefined {
    return this.schemas.get(lower(id));
  }

  listResourceTypes(): ResourceTypeDefinition[] {
    return [...this.resourceTypes.values()];
  }

  getResourceType(name: string): ResourceTypeDefinition | undefined {
    return this.resourceTypes.get(lower(name));
  }

  resourceType(name: string): ResourceTypeDefinition {
    const rt = this.getResourceType(name);
    if (!rt) {
      throw new Error(`Unknown resource type ${name}`);
    }
    return rt;
  }

  coreSchema(rt: ResourceTypeDefinition): SchemaDefinition {
    return this.getSchema(rt.schema)!;
  }

  extensionSchemas(rt: ResourceTypeDefinition): SchemaDefinition[] {
    return rt.schemaExtensions.map((e) => this.getSchema(e.schema)!);
  }

  /** The extension schema of `rt` whose URN equals `uri` (case-insensitively). */
  extensionSchema(rt: ResourceTypeDefinition, uri: string): SchemaDefinition | undefined {
    const ext = rt.schemaExtensions.find((e) => lower(e.schema) === lower(uri));
    return ext ? this.getSchema(ext.schema) : undefined;
  }

  /** Top-level attribute of the core schema or common attributes, case-insensitively. */
  findCoreAttribute(rt: ResourceTypeDefinition, name: string): AttributeDefinition | undefined {
    return (
      findIn(COMMON_ATTRIBUTES, name) ?? findIn(this.coreSchema(rt).attributes, name)
    );
  }

  /**
   * Resolves `path` against `rt`. Returns undefined when the attribute (or sub-attribute)
   * does not exist; callers turn that into invalidFilter / invalidPath as their RFC section says.
   */
  resolve(rt: ResourceTypeDefinition, path: AttrPath): ResolvedAttribute | undefined {
    let schema: SchemaDefinition;
    let extension = false;
    let attribute: AttributeDefinition | undefined;
    let common = false;
    if (path.uri !== undefined) {
      if (lower(path.uri) === lower(rt.schema)) {
        schema = this.coreSchema(rt);
      } else {
        const ext = this.extensionSchema(rt, path.uri);
        if (!ext) {
          return undefined;
        }
        schema = ext;
        extension = true;
      }
      attribute = findIn(schema.attributes, path.attr);
      if (!attribute && !extension) {
        attribute = findIn(COMMON_ATTRIBUTES, path.attr);
        common = attribute !== undefined;
      }
    } else {
      schema = this.coreSchema(rt);
      attribute = findIn(COMMON_ATTRIBUTES, path.attr);
      common = attribute !== undefined;
      attribute ??= findIn(schema.attributes, path.attr);
    }
    if (!attribute) {
      return undefined;
    }
    let subAttribute: AttributeDefinition | undefined;
    if (path.sub !== undefined) {
      subAttribute = attribute.subAttributes ? findIn(attribute.subAttributes, path.sub) : undefined;
      if (!subAttribute) {
        return undefined;
      }
    }
    return {
      schemaId: schema.id,
      extension,
      common,
      attribute,
      ...(subAttribute ? { subAttribute } : {}),
      canonical: {
        ...(extension ? { uri: schema.id } : {}),
        attr: attribute.name,
        ...(subAttribute ? { sub: subAttribute.name } : {}),
      },
    };
  }
}

export function findIn(
  attrs: readonly AttributeDefinition[],
  name: string,
): AttributeDefinition | undefined {
  const n = lower(name);
  return attrs.find((a) => lower(a.name) === n);
}

/** The definition a resolved path finally points at (the sub-attribute when there is one). */
export function targetOf(r: ResolvedAttribute): AttributeDefinition {
  return r.subAttribute ?? r.attribute;
}

export const USER_RESOURCE_TYPE: ResourceTypeDefinition = {
  id: 'User',
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  schema: USER_SCHEMA.id,
  schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA.id, required: false }],
};

export const GROUP_RESOURCE_TYPE: ResourceTypeDefinition = {
  id: 'Group',
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  schema: GROUP_SCHEMA.id,
  schemaExtensions: [],
};

/** The registry of the standard RFC 7643 schemas; hosts may add extension schemas. */
export function createDefaultRegistry(
  extra: { schemas?: SchemaDefinition[]; resourceTypes?: ResourceTypeDefinition[] } = {},
): SchemaRegistry {
  return new SchemaRegistry(
    [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, ...(extra.schemas ?? [])],
    extra.resourceTypes ?? [USER_RESOURCE_TYPE, GROUP_RESOURCE_TYPE],
  );
}
