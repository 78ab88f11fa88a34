import { ResolvedResourceType } from '../../scim/scim.options';
import { LogLevel } from '@nestjs/common';
import { ConfigError } from './config-error';
import { DEFAULT_TOKEN_CACHE_TTL_MS, MAX_TOKEN_CACHE_TTL_MS } from '../../auth/auth.options';
import { loadResourceTypes, readJsonConfigFile } from './json-file.config';
import { OAuthConfig, loadOAuthConfig } from './oauth.config';
import {
  EgressAllowlistError,
  EgressPolicy,
  ENTERPRISE_USER_SCHEMA_ID,
  GROUP_SCHEMA_ID,
  SchemaDefinition,
  SchemaDefinitionError,
  USER_SCHEMA_ID,
  DEFAULT_FILTER_BUDGET,
  parseDatabaseUrl,
  parseExtensionSchemas,
} from '../../library';

/** Standalone-server configuration, read from the environment once and validated. */
export interface AppConfig {
  port: number;
  host: string;
  databaseUrl: string;
  /** route prefix without slashes, e.g. `scim/v2` */
  basePath: string;
  baseUrl?: string;
  logLevels: LogLevel[];
  bootstrap: boolean;
  migrationsRun: boolean;
  tokenPepper: string;
  tokenPepperIsDefault: boolean;
  maxResults: number;
  maxPayloadSize: number;
  maxBulkOperations: number;
  /** SCIM_FILTER_BUDGET: what one filter may cost (core/filter/filter.cost.ts) */
  filterBudget: number;
  /** SCIM_STATEMENT_TIMEOUT_MS: longest a search's SELECT may run on MySQL/MariaDB or PostgreSQL (0: none) */
  statementTimeoutMs: number;
  /** days audit entries are kept */
  auditRetentionDays: number;
  /** per-token request limit; false = none */
  rateLimit: { requestsPerWindow: number; windowSeconds: number } | false;
  /** Bearer token /metrics requires; undefined = /metrics is open (loopback or METRICS_PUBLIC) */
  metricsToken?: string;
  /** extension schemas for Users, from the SCIM_SCHEMA_EXTENSIONS file */
  userExtensions: SchemaDefinition[];
  /** resource types beyond User and Group, from the SCIM_RESOURCE_TYPES file */
  resourceTypes: ResolvedResourceType[];
  /** this process delivers change events (the CLI sets false) */
  eventsDispatch: boolean;
  /** longest wait for one webhook POST (or listener call), ms */
  webhookTimeoutMs: number;
  /** SCIM_WEBHOOK_ALLOW: internal addresses, CIDR ranges and host names webhooks may reach */
  webhookAllow: string[];
  /** the admin API's bearer token (ADMIN_TOKEN); undefined = admin API off */
  adminToken?: string;
  /** `json` (pino, one object per line; default) or `pretty` (Nest's console) */
  logFormat: 'json' | 'pretty';
  /**
   * SCIM_ROLES (the host's roles, most privileged first) and
   * SCIM_PROTECTED_ROLE (break-glass: the role whose last active holder SCIM cannot remove)
   */
  roles?: { names: string[]; protect?: string };
  /** SCIM_TOKEN_CACHE_TTL_MS, ms a token look-up may be answered from memory (default 1000; 0 = off) */
  tokenCacheTtlMs: number;
  /** SCIM_COUNT_STATEMENTS: count SQL statements at the drivers, shown in /metrics (off) */
  countStatements: boolean;
  /** HTTP_REQUEST_TIMEOUT_MS, HTTP_HEADERS_TIMEOUT_MS, HTTP_KEEP_ALIVE_TIMEOUT_MS */
  http: HttpTimeouts;
  /** SCIM_OAUTH* (the client credentials grant) */
  oauth: OAuthConfig;
}

/** How long the HTTP server waits for a client (ms); a slower one gets a 408 and is closed. */
export interface HttpTimeouts {
  /** the whole request, headers and body */
  requestTimeoutMs: number;
  /** the request line and headers (at most requestTimeoutMs) */
  headersTimeoutMs: number;
  /** an idle keep-alive connection between two requests */
  keepAliveTimeoutMs: number;
}

/** HTTP_*_TIMEOUT_MS; the header timeout cannot exceed the request timeout (node refuses it). */
function httpTimeouts(env: NodeJS.ProcessEnv): HttpTimeouts {
  const requestTimeoutMs = int(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 600_000);
  const headersTimeoutMs = int(
    env,
    'HTTP_HEADERS_TIMEOUT_MS',
    Math.min(10_000, requestTimeoutMs),
    100,
    requestTimeoutMs,
  );
  // 72 s: longer than the 60 s idle timeout of common load balancers, which must close first
  const keepAliveTimeoutMs = int(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 72_000, 100, 600_000);
  return { requestTimeoutMs, headersTimeoutMs, keepAliveTimeoutMs };
}

/** Shortest ADMIN_TOKEN accepted: it is the only secret guarding every tenant's settings. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

export { ConfigError } from './config-error';

/** Well known: only protects nothing beyond the tokens' own 256-bit entropy. Set your own. */
export const DEFAULT_TOKEN_PEPPER = 'scim-nest-default-token-pepper-change-me';

/** Peppers published in this repository (the built-in one, the old compose fallback). */
export const PUBLIC_TOKEN_PEPPERS: readonly string[] = [
  DEFAULT_TOKEN_PEPPER,
  'compose-default-pepper-change-me',
];

/** Where `npm start` listens unless HOST says otherwise: this machine only. */
export const DEFAULT_HOST = '127.0.0.1';

/** true for an address only this machine reaches: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return (
    h === 'localhost' ||
    h === '::1' ||
    /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
  );
}

/**
 * Refuses a configuration that would expose a secret or an open endpoint: a published token
 * pepper under NODE_ENV=production (anyone could compute token hashes), and /metrics without
 * METRICS_TOKEN on an address beyond loopback unless METRICS_PUBLIC=true says it is meant.
 */
function checkExposure(env: NodeJS.ProcessEnv, host: string, pepper: string | undefined): void {
  const production = env.NODE_ENV?.trim() === 'production';
  if (production && (pepper === undefined || PUBLIC_TOKEN_PEPPERS.includes(pepper))) {
    throw new ConfigError(
      `SCIM_TOKEN_PEPPER ${pepper === undefined ? 'is not set' : 'is a published default'}: ` +
        'NODE_ENV=production needs a secret of your own (e.g. openssl rand -hex 32), kept for good ' +
        '(changing it invalidates every token)',
    );
  }
  const metricsPublic = bool(env, 'METRICS_PUBLIC', false);
  if (!isLoopbackHost(host) && !env.METRICS_TOKEN && !metricsPublic) {
    throw new ConfigError(
      `METRICS_TOKEN is not set while HOST="${host}" is not a loopback address: /metrics would be ` +
        'open to the network. Set METRICS_TOKEN (e.g. openssl rand -hex 32), or METRICS_PUBLIC=true ' +
        'to serve /metrics without a token on purpose',
    );
  }
}

const LEVELS: Record<string, LogLevel[]> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  log: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  verbose: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

function int(env: NodeJS.ProcessEnv, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') {
    return def;
  }
  if (!/^\d+$/.test(raw.trim()) || +raw < min || +raw > max) {
    throw new ConfigError(`${name}="${raw}" must be an integer from ${min} to ${max}`);
  }
  return +raw;
}

function bool(env: NodeJS.ProcessEnv, name: string, def: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') {
    return def;
  }
  if (['true', '1', 'yes', 'on'].includes(raw)) {
    return true;
  }
  if (['false', '0', 'no', 'off'].includes(raw)) {
    return false;
  }
  throw new ConfigError(`${name}="${env[name]}" must be true or false`);
}

const ROLE = /^[A-Za-z0-9_.:-]{1,64}$/;

/** SCIM_ROLES=owner,admin,member and SCIM_PROTECTED_ROLE=owner (one of them), or neither. */
function rolesOf(env: NodeJS.ProcessEnv): AppConfig['roles'] {
  const names = (env.SCIM_ROLES ?? '').split(',').map((r) => r.trim()).filter(Boolean);
  const protect = env.SCIM_PROTECTED_ROLE?.trim() || undefined;
  if (!names.length) {
    if (protect !== undefined) {
      throw new ConfigError('SCIM_PROTECTED_ROLE needs SCIM_ROLES (the roles, most privileged first)');
    }
    return undefined;
  }
  const bad = names.find((n) => !ROLE.test(n));
  if (bad !== undefined || new Set(names).size !== names.length) {
    throw new ConfigError(
      `SCIM_ROLES="${env.SCIM_ROLES}" must be distinct role names (letters, digits, _ . : -), most privileged first`,
    );
  }
  if (protect !== undefined && !names.includes(protect)) {
    throw new ConfigError(`SCIM_PROTECTED_ROLE="${protect}" must be one of SCIM_ROLES (${names.join(', ')})`);
  }
  return { names, ...(protect !== undefined ? { protect } : {}) };
}

/**
 * SCIM_WEBHOOK_ALLOW: comma-separated IP addresses, CIDR ranges and host names that tenant
 * webhooks may reach although they are internal (loopback, private, link-local, ...); empty =
 * public addresses only. Checked as ScimModule checks events.webhookAllow.
 */
function webhookAllow(env: NodeJS.ProcessEnv): string[] {
  const entries = (env.SCIM_WEBHOOK_ALLOW ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  try {
    new EgressPolicy(entries);
  } catch (e) {
    if (e instanceof EgressAllowlistError) {
      throw new ConfigError(`SCIM_WEBHOOK_ALLOW="${env.SCIM_WEBHOOK_ALLOW}": ${e.message}`);
    }
    throw e;
  }
  return entries;
}

const WINDOW_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** SCIM_RATE_LIMIT: `<requests>/<seconds>` (`600/60`, also `600/1m`), or off/false/0/empty. */
function rateLimit(env: NodeJS.ProcessEnv): AppConfig['rateLimit'] {
  const raw = env.SCIM_RATE_LIMIT?.trim().toLowerCase();
  if (raw === undefined || ['', 'off', 'false', '0', 'no'].includes(raw)) {
    return false;
  }
  const m = /^(\d{1,9})\s*\/\s*(\d{1,6})\s*([smh]?)$/.exec(raw);
  const requestsPerWindow = m ? Number(m[1]) : 0;
  const windowSeconds = m ? Number(m[2]) * WINDOW_UNITS[m[3] || 's'] : 0;
  if (requestsPerWindow < 1 || windowSeconds < 1 || windowSeconds > 86400) {
    throw new ConfigError(
      `SCIM_RATE_LIMIT="${env.SCIM_RATE_LIMIT}" must be <requests>/<seconds> such as 600/60 ` +
        '(a window of at most one day), or off',
    );
  }
  return { requestsPerWindow, windowSeconds };
}

/**
 * SCIM_SCHEMA_EXTENSIONS: a JSON file holding an array of RFC 7643 §7 schema objects, checked
 * as ScimModule would check them, so that a bad file stops the start with a ConfigError naming
 * the file, the schema and the attribute.
 */
export function loadSchemaExtensions(env: NodeJS.ProcessEnv): SchemaDefinition[] {
  const json = readJsonConfigFile(env, 'SCIM_SCHEMA_EXTENSIONS');
  if (json === undefined) {
    return [];
  }
  try {
    return parseExtensionSchemas(json, {
      taken: [USER_SCHEMA_ID, ENTERPRISE_USER_SCHEMA_ID, GROUP_SCHEMA_ID],
    });
  } catch (e) {
    if (e instanceof SchemaDefinitionError) {
      throw new ConfigError(`SCIM_SCHEMA_EXTENSIONS="${env.SCIM_SCHEMA_EXTENSIONS?.trim()}": ${e.message}`);
    }
    throw e;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const databaseUrl = env.DATABASE_URL?.trim() || 'sqlite:./data/scim.sqlite';
  try {
    parseDatabaseUrl(databaseUrl);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const basePathRaw = env.SCIM_BASE_PATH?.trim() || '/scim/v2';
  if (!/^\/?[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*\/?$/.test(basePathRaw)) {
    throw new ConfigError(`SCIM_BASE_PATH="${basePathRaw}" must be a URL path such as /scim/v2`);
  }
  const level = (env.LOG_LEVEL?.trim().toLowerCase() || 'log');
  if (!LEVELS[level]) {
    throw new ConfigError(`LOG_LEVEL="${env.LOG_LEVEL}" must be one of ${Object.keys(LEVELS).join(', ')}`);
  }
  const host = env.HOST?.trim() || DEFAULT_HOST;
  const baseUrl = env.SCIM_BASE_URL?.trim() || undefined;
  if (baseUrl !== undefined && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(baseUrl)) {
    throw new ConfigError(`SCIM_BASE_URL="${baseUrl}" must be an absolute http(s) URL`);
  }
  const adminToken = env.ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && (adminToken.length < MIN_ADMIN_TOKEN_LENGTH || /\s/.test(adminToken))) {
    throw new ConfigError(
      `ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters without whitespace ` +
        '(e.g. openssl rand -hex 32)',
    );
  }
  const logFormat = env.LOG_FORMAT?.trim().toLowerCase() || 'json';
  if (logFormat !== 'json' && logFormat !== 'pretty') {
    throw new ConfigError(`LOG_FORMAT="${env.LOG_FORMAT}" must be json or pretty`);
  }
  const roles = rolesOf(env);
  const pepper = env.SCIM_TOKEN_PEPPER;
  if (pepper !== undefined && pepper.length < 16) {
    throw new ConfigError('SCIM_TOKEN_PEPPER must be at least 16 characters');
  }
  checkExposure(env, host, pepper);
  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host,
    databaseUrl,
    basePath: basePathRaw.replace(/^\/+|\/+$/g, ''),
    baseUrl,
    logLevels: LEVELS[level],
    bootstrap: bool(env, 'SCIM_BOOTSTRAP', true),
    migrationsRun: bool(env, 'MIGRATIONS_RUN', true),
    tokenPepper: pepper ?? DEFAULT_TOKEN_PEPPER,
    tokenPepperIsDefault: pepper === undefined,
    maxResults: int(env, 'SCIM_MAX_RESULTS', 1000, 1, 100000),
    maxPayloadSize: int(env, 'SCIM_MAX_PAYLOAD_SIZE', 1048576, 1024, 100 * 1048576),
    maxBulkOperations: int(env, 'SCIM_MAX_BULK_OPERATIONS', 1000, 1, 100000),
    filterBudget: int(env, 'SCIM_FILTER_BUDGET', DEFAULT_FILTER_BUDGET, 1, 1_000_000),
    statementTimeoutMs: int(env, 'SCIM_STATEMENT_TIMEOUT_MS', 10_000, 0, 3_600_000),
    auditRetentionDays: int(env, 'SCIM_AUDIT_RETENTION_DAYS', 90, 1, 36500),
    rateLimit: rateLimit(env),
    metricsToken: env.METRICS_TOKEN || undefined,
    userExtensions: loadSchemaExtensions(env),
    resourceTypes: loadResourceTypes(env),
    eventsDispatch: bool(env, 'SCIM_EVENTS_DISPATCH', true),
    webhookTimeoutMs: int(env, 'SCIM_WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
    webhookAllow: webhookAllow(env),
    ...(adminToken !== undefined ? { adminToken } : {}),
    logFormat,
    ...(roles ? { roles } : {}),
    tokenCacheTtlMs: int(env, 'SCIM_TOKEN_CACHE_TTL_MS', DEFAULT_TOKEN_CACHE_TTL_MS, 0, MAX_TOKEN_CACHE_TTL_MS),
    countStatements: bool(env, 'SCIM_COUNT_STATEMENTS', false),
    http: httpTimeouts(env),
    oauth: loadOAuthConfig(env),
  };
}
