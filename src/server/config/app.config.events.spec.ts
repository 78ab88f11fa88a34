import { ConfigError, loadConfig } from './app.config';

describe('change-event settings', () => {
  it('dispatches with a 10 s webhook timeout by default', () => {
    expect(loadConfig({})).toMatchObject({ eventsDispatch: true, webhookTimeoutMs: 10_000 });
  });

  it('reads SCIM_EVENTS_DISPATCH and SCIM_WEBHOOK_TIMEOUT_MS', () => {
    expect(loadConfig({ SCIM_EVENTS_DISPATCH: 'false', SCIM_WEBHOOK_TIMEOUT_MS: '2500' })).toMatchObject({
      eventsDispatch: false,
      webhookTimeoutMs: 2500,
    });
  });

  it.each([
    [{ SCIM_EVENTS_DISPATCH: 'sometimes' }, /SCIM_EVENTS_DISPATCH/],
    [{ SCIM_WEBHOOK_TIMEOUT_MS: '50' }, /SCIM_WEBHOOK_TIMEOUT_MS/],
    [{ SCIM_WEBHOOK_TIMEOUT_MS: '10s' }, /SCIM_WEBHOOK_TIMEOUT_MS/],
  ])('rejects %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
