/**
 * Options of the OAuth 2.0 client credentials grant (ScimModuleOptions `oauth`), resolved once
 * by the core module and checked at boot: a bad value stops the start with a message naming it.
 */
export interface ScimOAuthOptions {
  /** lifetime of an access token in minutes: 60 to 360 (6 h); default 60 */
  readonly accessTokenMinutes?: number;
  /**
   * Client secret lifetimes in days: the default (730, two years) and the range an operator may
   * choose from (365 to 1095: the one to three years app galleries ask for).
   */
  readonly secretDays?: { readonly default?: number; readonly min?: number; readonly max?: number };
}

export interface ResolvedOAuthOptions {
  readonly accessTokenMinutes: number;
  readonly secretDays: { readonly default: number; readonly min: number; readonly max: number };
}

export const SCIM_OAUTH_OPTIONS = Symbol('scim:OAuthOptions');

export const MIN_ACCESS_TOKEN_MINUTES = 60;
export const MAX_ACCESS_TOKEN_MINUTES = 360;
export const DEFAULT_SECRET_DAYS = { default: 730, min: 365, max: 1095 } as const;
/** active (unrevoked, unexpired) secrets a client may hold at once: rotation needs two */
export const MAX_ACTIVE_SECRETS = 5;

const int = (v: unknown): v is number => Number.isInteger(v);

export function resolveOAuthOptions(o: ScimOAuthOptions | undefined): ResolvedOAuthOptions {
  const minutes = o?.accessTokenMinutes ?? MIN_ACCESS_TOKEN_MINUTES;
  if (!int(minutes) || minutes < MIN_ACCESS_TOKEN_MINUTES || minutes > MAX_ACCESS_TOKEN_MINUTES) {
    throw new Error(
      `ScimModule: oauth.accessTokenMinutes must be an integer from ${MIN_ACCESS_TOKEN_MINUTES} to ${MAX_ACCESS_TOKEN_MINUTES}`,
    );
  }
  const days = { ...DEFAULT_SECRET_DAYS, ...o?.secretDays };
  if (
    ![days.default, days.min, days.max].every((d) => int(d) && d >= 1 && d <= 36500) ||
    days.min > days.default ||
    days.default > days.max
  ) {
    throw new Error(
      'ScimModule: oauth.secretDays must be whole days with min <= default <= max (1 to 36500)',
    );
  }
  return { accessTokenMinutes: minutes, secretDays: days };
}
