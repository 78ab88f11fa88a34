/**
 * The token request of the client credentials grant (RFC 6749 §4.4.2) as parameters: which
 * client authentication it uses (§2.3.1 client_secret_basic / client_secret_post, RFC 7523
 * §2.2 private_key_jwt), the grant type and the requested scope. Pure: the caller hands the
 * form parameters and the Authorization header.
 */
import { OAuthError } from './oauth-error';

export const CLIENT_CREDENTIALS = 'client_credentials';
/** RFC 7523 §2.2 */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export type ClientAuthentication =
  | { readonly method: 'client_secret_basic' | 'client_secret_post'; readonly clientId: string; readonly secret: string }
  | { readonly method: 'private_key_jwt'; readonly clientId?: string; readonly assertion: string };

export interface TokenRequest {
  readonly auth: ClientAuthentication;
  /** the scopes asked for (§3.3, space-delimited); undefined = all the client may have */
  readonly scope?: readonly string[];
}

/** Longest parameter value read (a client assertion is the longest legitimate one). */
const MAX_VALUE = 8192;

/**
 * The form parameters as single strings: a repeated parameter (§3.2: "MUST NOT be included
 * more than once") or a non-string one is an invalid_request.
 */
export function singleParams(body: unknown): Record<string, string> {
  if (body === undefined || body === null) {
    return {};
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw OAuthError.invalidRequest('The request body must be form parameters (application/x-www-form-urlencoded)');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (Array.isArray(v)) {
      throw OAuthError.invalidRequest(`The parameter ${k.slice(0, 64)} is repeated`);
    }
    if (typeof v !== 'string') {
      throw OAuthError.invalidRequest(`The parameter ${k.slice(0, 64)} must be a string`);
    }
    if (v.length > MAX_VALUE) {
      throw OAuthError.invalidRequest(`The parameter ${k.slice(0, 64)} is too long`);
    }
    out[k] = v;
  }
  return out;
}

/** `Basic base64(urlencode(id):urlencode(secret))` (§2.3.1, Appendix B), or undefined when absent. */
export function basicCredentials(header: string | undefined): { clientId: string; secret: string } | undefined {
  if (header === undefined) {
    return undefined;
  }
  const m = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header);
  if (!m) {
    if (/^Basic\b/i.test(header)) {
      throw OAuthError.invalidClient('The Basic credentials are malformed');
    }
    return undefined;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(atob(m[1]), (c) => c.charCodeAt(0)));
  } catch {
    throw OAuthError.invalidClient('The Basic credentials are malformed');
  }
  const colon = text.indexOf(':');
  if (colon < 0) {
    throw OAuthError.invalidClient('The Basic credentials are malformed');
  }
  try {
    return {
      clientId: decodeURIComponent(text.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(text.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    throw OAuthError.invalidClient('The Basic credentials are malformed');
  }
}

/**
 * Reads a token request: the grant type first (unsupported_grant_type says nothing about the
 * client), then exactly one client authentication (§2.3: never more than one method), then
 * the scope. Every failure is the §5.2 error the RFC names.
 */
export function parseTokenRequest(params: Record<string, string>, authorization: string | undefined): TokenRequest {
  const grant = params.grant_type;
  if (grant === undefined || grant === '') {
    throw OAuthError.invalidRequest('grant_type is required');
  }
  if (grant !== CLIENT_CREDENTIALS) {
    throw OAuthError.unsupportedGrantType(`Only the ${CLIENT_CREDENTIALS} grant is supported`);
  }
  const basic = basicCredentials(authorization);
  const post = params.client_secret !== undefined;
  const jwt = params.client_assertion !== undefined || params.client_assertion_type !== undefined;
  if ([basic !== undefined, post, jwt].filter(Boolean).length > 1) {
    throw OAuthError.invalidRequest('Use exactly one client authentication method');
  }
  let auth: ClientAuthentication;
  if (basic) {
    if (params.client_id !== undefined && params.client_id !== basic.clientId) {
      throw OAuthError.invalidRequest('client_id differs from the authenticated client');
    }
    auth = { method: 'client_secret_basic', ...basic };
  } else if (post) {
    if (!params.client_id) {
      throw OAuthError.invalidRequest('client_id is required with client_secret');
    }
    auth = { method: 'client_secret_post', clientId: params.client_id, secret: params.client_secret };
  } else if (jwt) {
    if (params.client_assertion_type !== JWT_BEARER_ASSERTION) {
      throw OAuthError.invalidRequest(`client_assertion_type must be ${JWT_BEARER_ASSERTION}`);
    }
    if (!params.client_assertion) {
      throw OAuthError.invalidRequest('client_assertion is required');
    }
    auth = {
      method: 'private_key_jwt',
      assertion: params.client_assertion,
      ...(params.client_id ? { clientId: params.client_id } : {}),
    };
  } else {
    throw OAuthError.invalidClient('Client authentication is required (client_secret_basic, client_secret_post or private_key_jwt)');
  }
  const scope = params.scope?.split(' ').filter(Boolean);
  return { auth, ...(scope && scope.length ? { scope } : {}) };
}

/**
 * The scopes granted (§3.3): all the client may have when none are asked for, else exactly
 * those asked, each of which the client must hold (a write scope covers its read scope).
 */
export function grantScopes(asked: readonly string[] | undefined, allowed: ReadonlySet<string>, held: readonly string[]): string[] {
  if (!asked) {
    return [...held];
  }
  const refused = asked.filter((s) => !allowed.has(s));
  if (refused.length) {
    throw OAuthError.invalidScope(`The client may not have the scope ${refused.map((s) => s.slice(0, 64)).join(' ')}`);
  }
  return [...new Set(asked)];
}
