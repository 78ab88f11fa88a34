/**
 * Token endpoint errors (RFC 6749 §5.2): a JSON body `{ error, error_description }` with the
 * status the RFC gives each code. invalid_client is 401 with a WWW-Authenticate challenge
 * (§5.2: required when the client used the Authorization header; sent for every method here,
 * so a client always learns which scheme to use).
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

export interface OAuthErrorBody {
  readonly error: OAuthErrorCode;
  readonly error_description: string;
}

export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status: number = error === 'invalid_client' ? 401 : 400,
    readonly headers: Readonly<Record<string, string>> = error === 'invalid_client'
      ? { 'WWW-Authenticate': 'Basic realm="scim-oauth", charset="UTF-8"' }
      : {},
  ) {
    super(description);
    this.name = 'OAuthError';
  }

  toBody(): OAuthErrorBody {
    return { error: this.error, error_description: this.description };
  }

  static invalidRequest(description: string): OAuthError {
    return new OAuthError('invalid_request', description);
  }
  static invalidClient(description = 'Client authentication failed'): OAuthError {
    return new OAuthError('invalid_client', description);
  }
  static invalidGrant(description: string): OAuthError {
    return new OAuthError('invalid_grant', description);
  }
  static unsupportedGrantType(description: string): OAuthError {
    return new OAuthError('unsupported_grant_type', description);
  }
  static invalidScope(description: string): OAuthError {
    return new OAuthError('invalid_scope', description);
  }
  /** too many requests: 429 with Retry-After (RFC 6585 §4), the body an invalid_request */
  static tooManyRequests(retryAfterSeconds: number): OAuthError {
    return new OAuthError(
      'invalid_request',
      `Too many token requests: retry in ${retryAfterSeconds} s`,
      429,
      { 'Retry-After': String(retryAfterSeconds) },
    );
  }
}
