/** RFC 7643 §7: the attribute characteristics every schema attribute carries. */
export type AttributeType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'binary'
  | 'reference'
  | 'complex';

export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly AttributeDefinition[];
}

export interface SchemaDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDefinition[];
}

export interface SchemaExtensionRef {
  readonly schema: string;
  readonly required: boolean;
}

export interface ResourceTypeDefinition {
  /** e.g. "User" */
  readonly id: string;
  readonly name: string;
  /** relative endpoint, e.g. "/Users" */
  readonly endpoint: string;
  readonly description: string;
  /** core schema URN */
  readonly schema: string;
  readonly schemaExtensions: readonly SchemaExtensionRef[];
}

/** Builder for attribute definitions with the RFC 7643 §2.2 defaults. */
export function attr(
  name: string,
  opts: Partial<Omit<AttributeDefinition, 'name'>> = {},
): AttributeDefinition {
  const type = opts.type ?? 'string';
  const def: AttributeDefinition = {
    name,
    type,
    multiValued: opts.multiValued ?? false,
    description: opts.description ?? '',
    required: opts.required ?? false,
    caseExact: opts.caseExact ?? false,
    mutability: opts.mutability ?? 'readWrite',
    returned: opts.returned ?? 'default',
    uniqueness: opts.uniqueness ?? 'none',
    ...(opts.canonicalValues ? { canonicalValues: opts.canonicalValues } : {}),
    ...(type === 'reference' ? { referenceTypes: opts.referenceTypes ?? ['external'] } : {}),
    ...(opts.subAttributes ? { subAttributes: opts.subAttributes } : {}),
  };
  return def;
}
