import { ConfigError, loadConfig } from './app.config';

describe('change-event settings', () => {
  it('dispatches with a 10 s webhook timeout by default', () => {
    expect(loadConfig({})).toMatchObject({ eventsDispatch: true, webhookTimeoutMs: 10_000, webhookAllow: [] });
  });

  it('reads SCIM_EVENTS_DISPATCH and SCIM_WEBHOOK_TIMEOUT_MS', () => {
    expect(loadConfig({ SCIM_EVENTS_DISPATCH: 'false', SCIM_WEBHOOK_TIMEOUT_MS: '2500' })).toMatchObject({
      eventsDispatch: false,
      webhookTimeoutMs: 2500,
    });
  });

  it('reads SCIM_WEBHOOK_ALLOW: comma-separated addresses, CIDR ranges and host names', () => {
    expect(loadConfig({ SCIM_WEBHOOK_ALLOW: ' 127.0.0.1, 10.0.0.0/8 ,,fd00::/8,hooks.corp.example ' })).toMatchObject({
      webhookAllow: ['127.0.0.1', '10.0.0.0/8', 'fd00::/8', 'hooks.corp.example'],
    });
    expect(loadConfig({ SCIM_WEBHOOK_ALLOW: '' }).webhookAllow).toEqual([]);
  });

  it.each([
    [{ SCIM_WEBHOOK_ALLOW: '10.0.0.0/33' }, /SCIM_WEBHOOK_ALLOW="10.0.0.0\/33": .*CIDR/],
    [{ SCIM_WEBHOOK_ALLOW: 'hooks.example.com:8443' }, /SCIM_WEBHOOK_ALLOW=.*no port/],
    [{ SCIM_EVENTS_DISPATCH: 'sometimes' }, /SCIM_EVENTS_DISPATCH/],
    [{ SCIM_WEBHOOK_TIMEOUT_MS: '50' }, /SCIM_WEBHOOK_TIMEOUT_MS/],
    [{ SCIM_WEBHOOK_TIMEOUT_MS: '10s' }, /SCIM_WEBHOOK_TIMEOUT_MS/],
  ])('rejects %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
