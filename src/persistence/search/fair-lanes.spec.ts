import { ScimError } from '../../core/errors/scim-error';
import { CLIENT_CLOSED_REQUEST, FairLanes } from './fair-lanes';

/** A task that runs until released, recording when it started. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('FairLanes', () => {
  const lanes = (o: Partial<ConstructorParameters<typeof FairLanes>[0]> = {}) =>
    new FairLanes({ slots: 2, perTenant: 1, maxWaitMs: 10_000, maxQueuedPerTenant: 64, ...o });

  it('runs at once while slots are free, each task on a slot of its own', async () => {
    const l = lanes();
    const slots: number[] = [];
    const a = gate();
    const b = gate();
    const ra = l.run('t1', undefined, async (s) => (slots.push(s), a.opened));
    const rb = l.run('t2', undefined, async (s) => (slots.push(s), b.opened));
    await tick();
    expect(slots.sort()).toEqual([0, 1]);
    expect(l.busy).toBe(2);
    a.open();
    b.open();
    await Promise.all([ra, rb]);
    expect(l.busy).toBe(0);
  });

  it('gives one tenant at most perTenant slots: another tenant always finds one', async () => {
    const l = lanes();
    const started: string[] = [];
    const gates = Array.from({ length: 5 }, gate);
    const noisy = gates.map((g, i) => l.run('noisy', undefined, async () => (started.push(`noisy${i}`), g.opened)));
    await tick();
    expect(started).toEqual(['noisy0']);
    const quiet = l.run('quiet', undefined, async () => (started.push('quiet'), 'done'));
    await expect(quiet).resolves.toBe('done');
    expect(started).toEqual(['noisy0', 'quiet']);
    for (const g of gates) {
      g.open();
    }
    await Promise.all(noisy);
    expect(started).toEqual(['noisy0', 'quiet', 'noisy1', 'noisy2', 'noisy3', 'noisy4']);
  });

  it('hands a freed slot to the next tenant in turn, not to the oldest waiter', async () => {
    const l = lanes({ slots: 1, perTenant: 1 });
    const order: string[] = [];
    const first = gate();
    const running = l.run('a', undefined, async () => first.opened);
    const runs = [
      l.run('a', undefined, async () => order.push('a1')),
      l.run('a', undefined, async () => order.push('a2')),
      l.run('a', undefined, async () => order.push('a3')),
      l.run('b', undefined, async () => order.push('b1')),
      l.run('c', undefined, async () => order.push('c1')),
      l.run('b', undefined, async () => order.push('b2')),
    ];
    first.open();
    await Promise.all([running, ...runs]);
    expect(order).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
  });

  it('drops a waiting task whose client went away, without running it (499)', async () => {
    const l = lanes({ slots: 1 });
    const g = gate();
    const running = l.run('t', undefined, async () => g.opened);
    const controller = new AbortController();
    const task = jest.fn(async () => 'ran');
    const waiting = l.run('t', controller.signal, task);
    await tick();
    expect(l.waiting).toBe(1);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ status: CLIENT_CLOSED_REQUEST });
    expect(l.waiting).toBe(0);
    g.open();
    await running;
    expect(task).not.toHaveBeenCalled();
    await expect(l.run('t', controller.signal, task)).rejects.toBeInstanceOf(ScimError);
  });

  it('refuses a task that waited maxWaitMs with 503 and Retry-After', async () => {
    const l = lanes({ slots: 1, maxWaitMs: 30 });
    const g = gate();
    const running = l.run('t', undefined, async () => g.opened);
    const e = (await l.run('t', undefined, async () => 'never').catch((x: unknown) => x)) as ScimError;
    expect(e).toBeInstanceOf(ScimError);
    expect(e.status).toBe(503);
    expect(e.headers['Retry-After']).toMatch(/^\d+$/);
    expect(e.detail).toMatch(/waited 30 ms for their turn/);
    g.open();
    await running;
  });

  it('refuses at once beyond maxQueuedPerTenant waiting tasks of one tenant', async () => {
    const l = lanes({ slots: 1, maxQueuedPerTenant: 2 });
    const g = gate();
    const running = l.run('t', undefined, async () => g.opened);
    const queued = [l.run('t', undefined, async () => 1), l.run('t', undefined, async () => 2)];
    await expect(l.run('t', undefined, async () => 3)).rejects.toMatchObject({ status: 503 });
    // another tenant still queues
    const other = l.run('u', undefined, async () => 4);
    g.open();
    await expect(Promise.all([running, ...queued, other])).resolves.toEqual([undefined, 1, 2, 4]);
  });

  it('frees the slot when a task fails', async () => {
    const l = lanes({ slots: 1 });
    await expect(l.run('t', undefined, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(l.busy).toBe(0);
    await expect(l.run('t', undefined, async () => 'ok')).resolves.toBe('ok');
  });
});
