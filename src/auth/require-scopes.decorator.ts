import { SetMetadata } from '@nestjs/common';
import { Scope } from '../core/ports/token.repository';

export const SCOPES_KEY = 'scim:scopes';

/** The scopes a handler needs (all of them). */
export const RequireScopes = (...scopes: Scope[]) => SetMetadata(SCOPES_KEY, scopes);

export const PUBLIC_KEY = 'scim:public';

/** Discovery endpoints (RFC 7644 §4) answer without a token. */
export const PublicEndpoint = () => SetMetadata(PUBLIC_KEY, true);
