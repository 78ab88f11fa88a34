import { SchemaDefinition } from './core/schema/schema.types';

/** Runtime options of ScimModule (forRoot / forRootAsync useFactory result). */
export interface ScimModuleOptions {
  /** HMAC key for token hashes; changing it invalidates every issued token */
  tokenPepper: string;
  /** largest page a list returns (ServiceProviderConfig filter.maxResults); default 1000 */
  maxResults?: number;
  /** largest request body in bytes (ServiceProviderConfig bulk.maxPayloadSize); default 1 MiB */
  maxPayloadSize?: number;
  /** most operations in one POST /Bulk (ServiceProviderConfig bulk.maxOperations); default 1000 */
  maxOperations?: number;
  /** extra extension schemas for Users */
  userExtensions?: SchemaDefinition[];
  /** documentation URI advertised in ServiceProviderConfig */
  documentationUri?: string;
  /** issue #6: days audit entries are kept (pruned at start-up, then hourly); default 90 */
  auditRetentionDays?: number;
  /**
   * issue #6: requests per token per fixed window, counted in the database (shared by every
   * instance); over it → 429 with Retry-After. Default false (no limit)
   */
  rateLimit?: { requestsPerWindow: number; windowSeconds: number } | false;
}

/** Needed while the module graph is built (ConfigurableModuleBuilder extras). */
export interface ScimStaticOptions {
  /** route prefix of the SCIM API, default `scim/v2` */
  path: string;
  /** name of the TypeORM DataSource to use; default the host's default one */
  dataSource?: string;
  /** absolute base URL for meta.location; default derived from each request */
  baseUrl?: string;
}

export const SCIM_STATIC_OPTIONS = Symbol('scim:StaticOptions');

export const DEFAULT_MAX_RESULTS = 1000;
export const DEFAULT_MAX_PAYLOAD_SIZE = 1024 * 1024;
export const DEFAULT_MAX_OPERATIONS = 1000;
