export interface ScimAuthOptions {
  /** HMAC key for token hashes: changing it invalidates every token */
  readonly tokenPepper: string;
}

export const SCIM_AUTH_OPTIONS = Symbol('scim:AuthOptions');
