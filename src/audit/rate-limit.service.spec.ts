import { Logger } from '@nestjs/common';
import { RateLimitRepository } from '../core/ports/audit.repository';
import { AuditOptions, resolveAuditOptions } from './audit.options';
import { RateLimitService } from './rate-limit.service';

/** An in-memory counter store with the port's contract (count including this hit). */
class CountingRepository implements RateLimitRepository {
  readonly counts = new Map<string, number>();
  fail = false;
  async hit(tokenId: string, windowStart: number): Promise<number> {
    if (this.fail) {
      throw new Error('database down');
    }
    const key = `${tokenId}@${windowStart}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    return n;
  }
  async pruneBefore(): Promise<number> {
    return 0;
  }
}

const options = (rateLimit: AuditOptions['rateLimit']): AuditOptions => ({
  retentionDays: 90,
  rateLimit,
  mountPath: 'scim/v2',
});

describe('RateLimitService', () => {
  const T0 = Date.parse('2025-06-01T12:00:00.000Z'); // a multiple of 60 s

  it('allows requestsPerWindow per token per fixed window, then says when the window ends', async () => {
    const repo = new CountingRepository();
    const limits = new RateLimitService(repo, options({ requestsPerWindow: 3, windowSeconds: 60 }));
    for (let i = 0; i < 3; i++) {
      expect(await limits.check('a', 'r', T0 + 1_000)).toBeUndefined();
    }
    expect(await limits.check('a', 'r', T0 + 15_500)).toBe(45);
    expect(await limits.check('a', 'r', T0 + 59_900)).toBe(1);
    expect(await limits.check('b', 'r', T0 + 59_900)).toBeUndefined();
    expect(await limits.check('a', 'r', T0 + 60_000)).toBeUndefined();
  });

  it('counts nothing when rate limiting is off', async () => {
    const repo = new CountingRepository();
    const limits = new RateLimitService(repo, options(false));
    expect(await limits.check('a', 'r', T0)).toBeUndefined();
    expect(repo.counts.size).toBe(0);
    expect(limits.enabled).toBe(false);
    expect(new RateLimitService(repo, options({ requestsPerWindow: 1, windowSeconds: 1 })).enabled).toBe(true);
  });

  it('lets the request through when the database fails', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const repo = new CountingRepository();
    repo.fail = true;
    const limits = new RateLimitService(repo, options({ requestsPerWindow: 1, windowSeconds: 60 }));
    expect(await limits.check('a', 'r', T0)).toBeUndefined();
  });
});

describe('resolveAuditOptions', () => {
  it('defaults to 90 days and no rate limit', () => {
    expect(resolveAuditOptions({}, 'scim/v2')).toEqual({
      retentionDays: 90,
      rateLimit: false,
      mountPath: 'scim/v2',
    });
  });

  it.each([
    [{ auditRetentionDays: 0 }, /auditRetentionDays/],
    [{ auditRetentionDays: 1.5 }, /auditRetentionDays/],
    [{ rateLimit: { requestsPerWindow: 0, windowSeconds: 60 } }, /rateLimit/],
    [{ rateLimit: { requestsPerWindow: 10, windowSeconds: -1 } }, /rateLimit/],
    [{ rateLimit: true as unknown as false }, /rateLimit/],
  ])('rejects %j at boot', (o, msg) => {
    expect(() => resolveAuditOptions(o, 'scim/v2')).toThrow(msg);
  });
});
