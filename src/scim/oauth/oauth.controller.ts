import { Controller, Get, Post, Req, Res, UseFilters } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SigningKeyService } from '../../auth/oauth/signing-key.service';
import { OAuthExceptionFilter } from './oauth-exception.filter';
import { OAuthReply, TokenEndpointService, TokenHttpRequest } from './token-endpoint.service';

/**
 * The OAuth 2.0 endpoints next to the SCIM base (`{prefix}/oauth/...`): the token endpoint
 * (client credentials grant) and the JWKS of the keys that sign its tokens. No SCIM guard:
 * the token endpoint authenticates clients itself, the JWKS is public.
 */
@Controller('oauth')
@UseFilters(OAuthExceptionFilter)
export class OAuthController {
  constructor(
    private readonly endpoint: TokenEndpointService,
    private readonly keys: SigningKeyService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Post('token')
  async token(@Req() req: TokenHttpRequest, @Res() res: object): Promise<void> {
    this.send(res, await this.endpoint.token(req));
  }

  /** RFC 7517 §5: every key that may verify a token now (the retiring one included) */
  @Get('jwks')
  async jwks(@Res() res: object): Promise<void> {
    this.send(res, {
      status: 200,
      headers: { 'Content-Type': 'application/jwk-set+json; charset=utf-8', 'Cache-Control': 'public, max-age=60' },
      body: await this.keys.jwks(),
    });
  }

  private send(res: object, reply: OAuthReply): void {
    const adapter = this.adapterHost.httpAdapter;
    for (const [k, v] of Object.entries(reply.headers)) {
      adapter.setHeader(res, k, v);
    }
    adapter.reply(res, reply.body, reply.status);
  }
}
