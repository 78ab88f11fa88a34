import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { ScimPrincipal, TokenService } from './token.service';

export const SCIM_BEARER = 'scim-bearer';

/** passport-http-bearer under a name of its own, so it never shadows a host's `bearer`. */
@Injectable()
export class ScimBearerStrategy extends PassportStrategy(Strategy, SCIM_BEARER) {
  constructor(private readonly tokens: TokenService) {
    super();
  }

  async validate(token: string): Promise<ScimPrincipal | false> {
    return (await this.tokens.verify(token)) ?? false;
  }
}
