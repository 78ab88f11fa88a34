import { DataSource } from 'typeorm';
import { OutboxBacklog, OutboxRepository } from '../core/ports/change-event';
import { ScimHealthIndicator } from './scim-health.indicator';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');

/** the outbox check over a backlog answer; the database check is covered end to end */
function indicator(answer: () => Promise<OutboxBacklog>): ScimHealthIndicator {
  const outbox = { backlog: answer } as unknown as OutboxRepository;
  return new ScimHealthIndicator({} as DataSource, outbox, () => NOW);
}

const backlog = (pending: number, failed: number, ageSeconds: number | null): OutboxBacklog => ({
  pending,
  failed,
  oldestPendingAt: ageSeconds === null ? null : new Date(NOW - ageSeconds * 1000).toISOString(),
});

describe('ScimHealthIndicator.outbox (terminus HealthIndicatorResult)', () => {
  it('is up with its figures under the thresholds', async () => {
    const r = await indicator(() => Promise.resolve(backlog(5, 2, 30))).outbox('scim_outbox', { maxPending: 5 });
    expect(r).toEqual({ scim_outbox: { status: 'up', pending: 5, failed: 2, oldestPendingSeconds: 30 } });
  });

  it.each([
    ['more pending events than maxPending', backlog(6, 0, 1), { maxPending: 5 }, /6 pending events \(more than 5\)/],
    ['an oldest pending event older than 600 s by default', backlog(1, 0, 601), {}, /waited 601 s \(more than 600\)/],
    ['an oldest pending event older than maxOldestPendingSeconds', backlog(1, 0, 61), { maxOldestPendingSeconds: 60 }, /more than 60\)/],
    ['more failed events than maxFailed', backlog(0, 1, null), { maxFailed: 0 }, /1 failed events \(more than 0\)/],
  ])('is down with %s', async (_label, b, thresholds, message) => {
    const r = await indicator(() => Promise.resolve(b)).outbox('events', thresholds);
    expect(r.events.status).toBe('down');
    expect(r.events.message).toMatch(message);
    expect(r.events.pending).toBe(b.pending);
  });

  it('is down, without the driver message, when the backlog cannot be read', async () => {
    const r = await indicator(() => Promise.reject(new Error('connect ECONNREFUSED db.internal:3306'))).outbox();
    expect(r).toEqual({ scim_outbox: { status: 'down', message: 'the outbox backlog could not be read' } });
  });

  it('is down when the backlog query does not answer in time', async () => {
    const r = await indicator(() => new Promise<never>(() => undefined)).outbox('scim_outbox', { timeoutMs: 20 });
    expect(r.scim_outbox.status).toBe('down');
  });
});
