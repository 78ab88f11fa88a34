/**
 * The one error type of the protocol core (RFC 7644 §3.12).
 *
 * Core code throws only ScimError; the Nest exception filter turns it into the
 * `urn:ietf:params:scim:api:messages:2.0:Error` body. One static factory per scimType.
 */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  // RFC 9865 (cursor pagination)
  | 'invalidCursor'
  | 'expiredCursor'
  | 'invalidCount';

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export interface ScimErrorBody {
  schemas: [typeof SCIM_ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail?: string;
}

export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
    /** Extra response headers (e.g. Retry-After, WWW-Authenticate). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  toBody(): ScimErrorBody {
    const body: ScimErrorBody = { schemas: [SCIM_ERROR_SCHEMA], status: String(this.status) };
    if (this.scimType) {
      body.scimType = this.scimType;
    }
    body.detail = this.detail;
    return body;
  }

  static invalidFilter(detail: string): ScimError {
    return new ScimError(400, detail, 'invalidFilter');
  }
  static tooMany(detail = 'The query would return too many results'): ScimError {
    return new ScimError(400, detail, 'tooMany');
  }
  static uniqueness(detail: string): ScimError {
    return new ScimError(409, detail, 'uniqueness');
  }
  static mutability(detail: string): ScimError {
    return new ScimError(400, detail, 'mutability');
  }
  static invalidSyntax(detail: string): ScimError {
    return new ScimError(400, detail, 'invalidSyntax');
  }
  static invalidPath(detail: string): ScimError {
    return new ScimError(400, detail, 'invalidPath');
  }
  static noTarget(detail: string): ScimError {
    return new ScimError(400, detail, 'noTarget');
  }
  static invalidValue(detail: string): ScimError {
    return new ScimError(400, detail, 'invalidValue');
  }
  static invalidVers(detail: string): ScimError {
    return new ScimError(400, detail, 'invalidVers');
  }
  static sensitive(detail: string): ScimError {
    return new ScimError(403, detail, 'sensitive');
  }
  static notFound(detail: string): ScimError {
    return new ScimError(404, detail);
  }
  static unauthorized(detail = 'Authentication required'): ScimError {
    return new ScimError(401, detail, undefined, { 'WWW-Authenticate': 'Bearer realm="scim"' });
  }
  /**
   * RFC 6750 §3.1 invalid_token: a bearer token was sent but is expired, revoked, malformed or
   * not accepted here; the challenge names the error and why (quotes and backslashes, which the
   * quoted-string cannot hold as is, become apostrophes and slashes).
   */
  static invalidToken(description: string): ScimError {
    return new ScimError(401, description, undefined, {
      'WWW-Authenticate': `Bearer realm="scim", error="invalid_token", error_description="${challengeText(description)}"`,
    });
  }
  /** RFC 6750 §3.1 insufficient_scope: 403 with the scopes the request needs */
  static insufficientScope(description: string, scopes: readonly string[]): ScimError {
    return new ScimError(403, description, undefined, {
      'WWW-Authenticate':
        `Bearer realm="scim", error="insufficient_scope", error_description="${challengeText(description)}", ` +
        `scope="${challengeText(scopes.join(' '))}"`,
    });
  }
  static forbidden(detail: string): ScimError {
    return new ScimError(403, detail);
  }
  static preconditionFailed(detail = 'The resource version does not match If-Match'): ScimError {
    return new ScimError(412, detail);
  }
  static conflict(detail: string): ScimError {
    return new ScimError(409, detail);
  }
  static payloadTooLarge(detail: string): ScimError {
    return new ScimError(413, detail);
  }
  static notImplemented(detail: string): ScimError {
    return new ScimError(501, detail);
  }
  /**
   * 405: the resource exists but does not accept this method (RFC 9110 §15.5.6, with the
   * Allow header it requires), e.g. a write to a read-only catalogue. A 4xx, so that clients
   * do not retry it as they retry a 501.
   */
  static methodNotAllowed(detail: string, allow: readonly string[]): ScimError {
    return new ScimError(405, detail, undefined, { Allow: allow.join(', ') });
  }
}

/** RFC 6750 §3: error_description and scope hold %x20-21 / %x23-5B / %x5D-7E only */
function challengeText(text: string): string {
  return text.replace(/"/g, "'").replace(/\\/g, '/').replace(/[^\x20-\x7e]/g, '?');
}

export function isScimError(e: unknown): e is ScimError {
  return e instanceof ScimError;
}
