import { Inject, Injectable } from '@nestjs/common';
import { ScimError } from '../../core/errors/scim-error';
import { OAuthClientRepository } from '../../core/ports/oauth-client.repository';
import { Scope } from '../../core/ports/token.repository';
import { OAUTH_CLIENT_REPOSITORY } from '../../core/ports/tokens';
import { ScimPrincipal, effectiveScopes, principalOf } from '../token.service';
import { AccessTokenService, InvalidAccessToken } from './access-token.service';

/** A compact JWS (RFC 7515 §7.1): three base64url parts */
const JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * The SCIM principal of an OAuth access token: the signature and expiry checked from memory
 * (AccessTokenService), then the client's state with its tenant's settings, read through the
 * client-state cache (oauth.clientCacheTtlMs): a disabled client or a client moved out of the
 * token's tenant stops its tokens within that bound (at once through this process), a disabled
 * tenant's tokens get 403 like its static tokens. The token's scopes count only as far as the
 * client still holds them.
 */
@Injectable()
export class OAuthPrincipals {
  constructor(
    private readonly tokens: AccessTokenService,
    @Inject(OAUTH_CLIENT_REPOSITORY) private readonly clients: OAuthClientRepository,
  ) {}

  /** true for what looks like a JWT rather than a static token */
  static isJwt(token: string): boolean {
    return token.length <= 8192 && JWS.test(token);
  }

  /** the principal, or a 401 invalid_token ScimError saying why (RFC 6750 §3.1) */
  async verify(token: string): Promise<ScimPrincipal> {
    let claims;
    try {
      claims = await this.tokens.verify(token);
    } catch (e) {
      throw ScimError.invalidToken(e instanceof InvalidAccessToken ? e.message : 'The access token is invalid');
    }
    const client = await this.clients.findState(claims.client_id);
    if (!client || client.tenantId !== claims.tenant) {
      throw ScimError.invalidToken('The client of this access token no longer exists');
    }
    if (client.status !== 'active') {
      throw ScimError.invalidToken('The client of this access token is disabled');
    }
    const held = effectiveScopes(client.scopes);
    const scopes = claims.scope.split(' ').filter((s): s is Scope => held.has(s as Scope));
    return principalOf(client.id, client.tenantId, scopes, null, {
      profile: client.tenantProfile,
      deprovisioning: client.tenantDeprovisioning,
      groupCycles: client.tenantGroupCycles,
      disabledAt: client.tenantDisabledAt,
      linkPolicy: client.tenantLinkPolicy,
    });
  }
}
