export { normalizeResource } from './resource.normalizer';
export type { NormalizeOptions, NormalizeResult } from './resource.normalizer';
export { coerceValue, normalizeDateTime } from './value.coercer';
export type { CoerceOptions } from './value.coercer';
export { checkResourceSchemas, resourceSchemas } from './resource.schemas';
export { deepClone, deepEqual, isPlainObject, isUnassigned } from './json.util';
export type { MultiValuedElement, ScimJson, ScimMeta, ScimResource } from './resource.types';
