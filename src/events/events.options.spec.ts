import { EgressPolicy } from '../core/egress/egress-policy';
import { resolveEgressPolicy } from './events.options';

describe('events.webhookAllow', () => {
  it('is the strict policy when absent, and an allowlist when given', () => {
    expect(resolveEgressPolicy(undefined)).toBe(EgressPolicy.STRICT);
    expect(resolveEgressPolicy({}).isStrict).toBe(true);
    const p = resolveEgressPolicy({ webhookAllow: ['127.0.0.1', 'hooks.corp.example'] });
    expect(p.refusal('127.0.0.1')).toBeNull();
    expect(p.allowsHost('hooks.corp.example')).toBe(true);
  });

  it.each([
    [{ webhookAllow: ['10.0.0.0/40'] }, /ScimModule: events.webhookAllow: .*CIDR/],
    [{ webhookAllow: '127.0.0.1' as unknown as string[] }, /ScimModule: events.webhookAllow: .*list/],
  ])('fails the boot on %j', (events, message) => {
    expect(() => resolveEgressPolicy(events)).toThrow(message);
  });
});
