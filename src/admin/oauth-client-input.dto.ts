/**
 * The admin API's input for OAuth clients: JSON bodies as DTOs (checked by AdminInputPipe, 400
 * invalidValue naming what is wrong); the values are checked by OAuthClientService.
 */
import { NewOAuthClient, OAuthClientChanges } from '../auth/oauth/oauth-client.service';
import {
  AdminInput,
  AnyField,
  BooleanField,
  NumberField,
  ScopesField,
  StringField,
} from './admin-input.decorators';

const SCOPES_EXAMPLE = 'a list such as ["users:read", "users:write"]';
const JWKS =
  'public keys for private_key_jwt (RFC 7523 §2.2): an inline JWKS ({"keys": [...]}) of public keys';

/** scopes as a list or a comma/space-separated string */
function scopeList(v: string | string[]): string[] {
  return typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : v;
}

/** POST /tenants/:slug/oauth-clients: `{ name, scopes, secretExpiresInDays?, withSecret?, jwks?, jwksUri? }` */
@AdminInput()
export class NewOAuthClientDto {
  @StringField({
    required: true,
    message: '"name" is required: a label of 1 to 200 characters',
    description: 'a label for the client (which IdP uses it)',
    schema: { minLength: 1, maxLength: 200 },
  })
  name!: string;

  @ScopesField({
    required: true,
    message: `"scopes" is required: ${SCOPES_EXAMPLE}`,
    description:
      'the most its access tokens may carry: a list, or one comma/space-separated string',
  })
  scopes!: string | string[];

  @NumberField({
    nullable: true,
    message: '"secretExpiresInDays" must be a whole number of days',
    description:
      "the first secret's lifetime in days (by default 365 to 1095); absent: the configured default",
    schema: { type: 'integer' },
  })
  secretExpiresInDays?: number | null;

  @BooleanField({
    message: '"withSecret" must be true or false',
    description: 'false: no secret (a client that authenticates with private_key_jwt only)',
  })
  withSecret?: boolean;

  @AnyField({
    nullable: true,
    description: JWKS,
    schema: { type: 'object', additionalProperties: true },
  })
  jwks?: unknown;

  @StringField({
    nullable: true,
    message: '"jwksUri" must be a string',
    description: 'or where the client publishes its public keys (https)',
    schema: { format: 'uri' },
  })
  jwksUri?: string | null;

  toCommand(): NewOAuthClient {
    return {
      name: this.name,
      scopes: scopeList(this.scopes),
      ...(typeof this.secretExpiresInDays === 'number'
        ? { secretExpiresInDays: this.secretExpiresInDays }
        : {}),
      ...(this.withSecret === false ? { withSecret: false } : {}),
      ...(this.jwks !== undefined && this.jwks !== null ? { jwks: this.jwks } : {}),
      ...(typeof this.jwksUri === 'string' ? { jwksUri: this.jwksUri } : {}),
    };
  }
}

/** PATCH /oauth-clients/:clientId: `{ name?, scopes?, enabled?, jwks?, jwksUri? }` (null removes a key source) */
@AdminInput()
export class OAuthClientChangesDto {
  @StringField({
    message: '"name" must be a string',
    description: 'a new label',
    schema: { minLength: 1, maxLength: 200 },
  })
  name?: string;

  @ScopesField({
    message: `"scopes" must be ${SCOPES_EXAMPLE}`,
    description: 'the most its access tokens may carry from now on',
  })
  scopes?: string | string[];

  @BooleanField({
    message: '"enabled" must be true or false',
    description: 'false: the client is disabled and the access tokens it was issued stop working',
  })
  enabled?: boolean;

  @AnyField({
    nullable: true,
    description: `${JWKS}; null removes them`,
    schema: { type: 'object', additionalProperties: true },
  })
  jwks?: unknown;

  @StringField({
    nullable: true,
    message: '"jwksUri" must be a string, or null to remove it',
    description: 'where the client publishes its public keys (https); null removes it',
    schema: { format: 'uri' },
  })
  jwksUri?: string | null;

  toChanges(): OAuthClientChanges {
    return {
      ...(this.name !== undefined ? { name: this.name } : {}),
      ...(this.scopes !== undefined ? { scopes: scopeList(this.scopes) } : {}),
      ...(this.enabled !== undefined ? { enabled: this.enabled } : {}),
      ...(this.jwks !== undefined ? { jwks: this.jwks } : {}),
      ...(this.jwksUri !== undefined ? { jwksUri: this.jwksUri } : {}),
    };
  }
}

/** POST /oauth-clients/:clientId/secrets: `{ expiresInDays? }` (no body is fine) */
@AdminInput({ emptyBody: true })
export class NewClientSecretDto {
  @NumberField({
    nullable: true,
    message: '"expiresInDays" must be a whole number of days',
    description:
      "the secret's lifetime in days (by default 365 to 1095); absent: the configured default",
    schema: { type: 'integer' },
  })
  expiresInDays?: number | null;
}
