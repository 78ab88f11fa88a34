import { Inject, Injectable, Optional } from '@nestjs/common';
import { request as httpsRequest } from 'node:https';
import { EgressPolicy } from '../core/egress/egress-policy';
import { JwksFetcher } from '../core/ports/client-assertion';
import { WEBHOOK_EGRESS_POLICY } from '../core/ports/tokens';
import { HostResolver, WEBHOOK_HOST_RESOLVER, pinnedLookup, resolveDestination, systemResolver } from './webhook-destination';

const TIMEOUT_MS = 5_000;
const MAX_BYTES = 64 * 1024;

/**
 * Reads a client's jwks_uri (private_key_jwt) under the same outbound rules as webhooks: the
 * host resolved once, every address checked against the egress policy, the connection pinned
 * to them (no DNS rebinding), https only, five seconds, 64 KiB, no redirects.
 */
@Injectable()
export class EgressJwksFetcher implements JwksFetcher {
  constructor(
    @Inject(WEBHOOK_EGRESS_POLICY) private readonly policy: EgressPolicy,
    @Optional() @Inject(WEBHOOK_HOST_RESOLVER) private readonly resolve: HostResolver = systemResolver,
  ) {}

  async fetch(uri: string): Promise<unknown> {
    const url = new URL(uri);
    if (url.protocol !== 'https:') {
      throw new Error('jwks_uri must be https');
    }
    const addresses = await resolveDestination(url, this.policy, this.resolve);
    const text = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(
        url,
        {
          method: 'GET',
          agent: false,
          lookup: pinnedLookup(addresses),
          timeout: TIMEOUT_MS,
          headers: { Accept: 'application/jwk-set+json, application/json', 'User-Agent': 'scim-nest-oauth/1' },
        },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new Error(`jwks_uri answered ${res.statusCode}`));
            return;
          }
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
            if (body.length > MAX_BYTES) {
              req.destroy(new Error('jwks_uri document too large'));
            }
          });
          res.on('end', () => resolve(body));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('jwks_uri timed out')));
      req.on('error', reject);
      req.end();
    });
    return JSON.parse(text) as unknown;
  }
}
