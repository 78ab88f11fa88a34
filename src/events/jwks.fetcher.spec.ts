import { EgressPolicy } from '../core/egress/egress-policy';
import { EgressJwksFetcher } from './jwks.fetcher';
import { DestinationRefusedError } from './webhook-destination';

describe('EgressJwksFetcher (a jwks_uri under the webhook egress rules)', () => {
  it('refuses an internal address as written, or one a name resolves to, before connecting', async () => {
    const fetcher = new EgressJwksFetcher(EgressPolicy.STRICT, async () => [{ address: '10.0.0.5', family: 4 }]);
    await expect(fetcher.fetch('https://127.0.0.1/jwks')).rejects.toBeInstanceOf(DestinationRefusedError);
    await expect(fetcher.fetch('https://keys.example.com/jwks')).rejects.toBeInstanceOf(DestinationRefusedError);
    await expect(fetcher.fetch('https://169.254.169.254/latest/meta-data')).rejects.toBeInstanceOf(DestinationRefusedError);
  });

  it('reads https only', async () => {
    const fetcher = new EgressJwksFetcher(EgressPolicy.STRICT, async () => [{ address: '93.184.216.34', family: 4 }]);
    await expect(fetcher.fetch('http://keys.example.com/jwks')).rejects.toThrow(/https/);
  });
});
