import { ScimJson } from '../ports/resource.types';

export type { ScimJson };

/** `meta` as the server writes it (RFC 7643 §3.1); readOnly for clients. */
export interface ScimMeta {
  resourceType?: string;
  created?: string;
  lastModified?: string;
  location?: string;
  version?: string;
}

/**
 * A SCIM resource in its JSON form (RFC 7643 §3): core attributes at the top level, extension
 * attributes in an object under the extension URN key.
 */
export interface ScimResource extends ScimJson {
  schemas: string[];
  id?: string;
  externalId?: string;
  meta?: ScimMeta;
}

/** One element of a multi-valued complex attribute (RFC 7643 §2.4). */
export interface MultiValuedElement extends ScimJson {
  value?: unknown;
  display?: string;
  type?: string;
  primary?: boolean;
  $ref?: string;
}
