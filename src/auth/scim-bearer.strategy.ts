import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { OAuthPrincipals } from './oauth/oauth-principals.service';
import { ScimPrincipal, TokenService } from './token.service';

export const SCIM_BEARER = 'scim-bearer';

type BearerRequest = Parameters<Strategy<never>['authenticate']>[0];

/** passport-http-bearer under a name of its own, so it never shadows a host's `bearer`. */
@Injectable()
export class ScimBearerStrategy extends PassportStrategy(Strategy, SCIM_BEARER) {
  constructor(
    private readonly tokens: TokenService,
    private readonly oauth: OAuthPrincipals,
  ) {
    super();
  }

  /**
   * The token is read from the Authorization header only (RFC 6750 §2.1). The form-body
   * parameter (§2.2) and the URI query parameter (§2.3, which the RFC discourages: URLs land in
   * logs and proxies) that passport-http-bearer also reads are not accepted: a request with a
   * token only there is refused (401), and with a header as well the header alone counts.
   */
  override authenticate(req: BearerRequest, options?: object): void {
    super.authenticate({ headers: req.headers } as BearerRequest, options);
  }

  /**
   * A JWT is an OAuth access token (checked without the database, OAuthPrincipals), anything
   * else a static service-account token. A refusal with a reason throws a 401 invalid_token.
   */
  async validate(token: string): Promise<ScimPrincipal | false> {
    if (OAuthPrincipals.isJwt(token)) {
      return this.oauth.verify(token);
    }
    return (await this.tokens.verify(token)) ?? false;
  }
}
