import { Module } from '@nestjs/common';
import { OAuthController } from './oauth.controller';
import { TokenEndpointService } from './token-endpoint.service';

/** The token endpoint and the JWKS, mounted under the SCIM prefix by ScimModule. */
@Module({ controllers: [OAuthController], providers: [TokenEndpointService], exports: [TokenEndpointService] })
export class OAuthModule {}
