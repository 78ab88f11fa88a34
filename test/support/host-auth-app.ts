import { Injectable } from '@nestjs/common';
import { ScimAuthRequest, ScimAuthenticator, ScimCaller, ScimTenancyResolver } from '../../src/library';
import { EmbeddedHost } from './embedded-host';

/** The host's own API keys (a gateway's, say): key → the tenant it provisions and its rights. */
export const HOST_KEYS: Record<string, ScimCaller> = {
  'acme-writer-key': { tenant: 'acme', actorId: 'acme-gateway', scopes: ['users:write', 'groups:write'] },
  'acme-reader-key': { tenant: 'acme', actorId: 'acme-auditor', scopes: ['users:read'] },
  'beta-writer-key': { tenant: 'beta', actorId: 'beta-gateway', scopes: ['users:write'] },
};

@Injectable()
export class ApiKeyAuthenticator implements ScimAuthenticator {
  authenticate(req: ScimAuthRequest): ScimCaller | null {
    const key = req.headers['x-api-key'];
    return typeof key === 'string' ? (HOST_KEYS[key] ?? null) : null;
  }
}

/** `<tenant>.scim.example` addresses that tenant; other host names leave it to the credential. */
@Injectable()
export class SubdomainTenancy implements ScimTenancyResolver {
  resolveTenant(req: ScimAuthRequest): string | undefined {
    const host = String(req.headers.host ?? '').toLowerCase();
    const m = /^([a-z0-9-]+)\.scim\.example(:\d+)?$/.exec(host);
    return m?.[1];
  }
}

export type HostAuthMode = 'api-keys+tenancy' | 'tokens+tenancy';

/** A host app whose SCIM requests are authenticated by its own keys and/or checked for tenancy. */
export class HostAuthApp extends EmbeddedHost {
  static async start(url: string, mode: HostAuthMode): Promise<HostAuthApp> {
    return new HostAuthApp(
      await EmbeddedHost.boot(url, {
        tokenPepper: 'host-auth-test-pepper-0123456789',
        ...(mode === 'api-keys+tenancy' ? { auth: { authenticator: ApiKeyAuthenticator } } : {}),
        tenancy: SubdomainTenancy,
      }),
    );
  }
}
