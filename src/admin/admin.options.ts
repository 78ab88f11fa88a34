/**
 * Options of the admin API, given to AdminModule.forRoot / forRootAsync and
 * checked once at boot.
 */
export interface AdminModuleOptions {
  /**
   * The bearer token the admin API requires (`Authorization: Bearer <adminToken>`), at least
   * 32 characters without whitespace. Absent: the admin API is off and its routes answer 404.
   */
  adminToken?: string;
}

/** What AdminModule's build-time extras may set beside the runtime options. */
export interface AdminStaticOptions {
  /** route prefix of the admin API, default `admin/v1` (at the server root, never under SCIM's) */
  path?: string;
}

export interface ResolvedAdminOptions {
  readonly adminToken: string | undefined;
}

export const ADMIN_OPTIONS = Symbol('scim:AdminOptions');
export const DEFAULT_ADMIN_PATH = 'admin/v1';
/** shortest admin token accepted: it guards every tenant's settings and tokens */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/** Checks the options at boot: a bad token stops the start with a message naming it. */
export function resolveAdminOptions(o: AdminModuleOptions | undefined): ResolvedAdminOptions {
  const token = o?.adminToken;
  if (token === undefined || token === null || token === '') {
    return { adminToken: undefined };
  }
  if (typeof token !== 'string' || token.length < MIN_ADMIN_TOKEN_LENGTH || /\s/.test(token)) {
    throw new Error(
      `AdminModule: adminToken must be a string of at least ${MIN_ADMIN_TOKEN_LENGTH} characters ` +
        'without whitespace (e.g. openssl rand -hex 32)',
    );
  }
  return { adminToken: token };
}
