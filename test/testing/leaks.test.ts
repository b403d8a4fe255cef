import { describe, expect, it } from 'vitest';
import { createBus, type Request } from 'rxbus';
import { createTestBus, expectNoLeaks, leakGuard, LeakError, pendingWorkOf, record } from 'rxbus/testing';

type Events = {
  'page.request': { url: string };
  'user.get': Request<{ id: string }, { name: string }>;
  tick: number;
};

const never = () => new Promise<never>(() => undefined);

describe('expectNoLeaks', () => {
  it('resolves with the scenario’s result when it leaves nothing behind', async () => {
    const bus = createTestBus<Events>();
    bus.on('tick', () => undefined); // there before: not the scenario's doing
    const result = await expectNoLeaks(bus, async () => {
      const wait = bus.waitFor('tick', 1, { timeout: 100 });
      const sub = bus.events$().subscribe();
      bus.publish('tick', 1);
      sub.unsubscribe();
      return (await wait).payload;
    });
    expect(result).toBe(1);
  });

  it('fails listing each kind of work left on a bus, with before/after counts and a hint', async () => {
    const bus = createTestBus<Events>({ concurrency: 1 });
    bus.on('page.request', never);
    const error = await expectNoLeaks(bus, () => {
      void bus.waitFor('tick', 1, { timeout: 1000 }).catch(() => undefined);
      record(bus, 'tick');
      bus.publish('page.request', { url: '/a' }); // runs forever
      bus.publish('page.request', { url: '/b' }); // queued behind it
      bus.track();
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeakError);
    expect((error as Error).message).toBe(
      [
        'The scenario left work behind:',
        '  - bus #1: 1 pending waiter left (0 before, 1 after): await every waitFor() or unsubscribe every waitFor$()',
        '  - bus #1: 1 live subscription (events$ stream, handler or recorder) left (1 before, 2 after): unsubscribe what events$/on/handle/record returned, or close the bus',
        '  - bus #1: 1 queued handler job left (0 before, 1 after): await bus.settled() (or bus.flush() on a test bus)',
        '  - bus #1: 1 running handler job left (0 before, 1 after): await bus.settled() (or bus.flush() on a test bus)',
        '  - bus #1: 1 tracked work item left (0 before, 1 after): call the function bus.track() returned',
        '  - bus #1: 1 scheduler timer left (0 before, 1 after): cancel the timers, or run them with bus.flush()',
      ].join('\n'),
    );
    expect((error as LeakError).leaks.map((l) => l.kind)).toEqual(['waiters', 'subscriptions', 'queued', 'running', 'tracked', 'timers']);
  });

  it('reports pending requests and waiting producers', async () => {
    const bus = createTestBus<Events>({ concurrency: 1, capacity: 0 });
    bus.handle('user.get', never);
    const error = (await expectNoLeaks([bus], () => {
      void bus.request('user.get', { id: '1' }, { timeout: 0 }).catch(() => undefined);
      void bus.emit('user.get', { id: '2' }).catch(() => undefined);
    }).catch((e: unknown) => e)) as LeakError;
    expect(error.leaks.map((l) => `${l.kind} ${l.before}→${l.after}`)).toEqual(['running 0→1', 'emitters 0→1', 'pendingRequests 0→1']);
    expect(error.message).toContain('1 producer waiting in emit() left');
    expect(error.message).toContain('1 pending request left');
  });

  it('checks test buses the scenario creates against nothing pending at all', async () => {
    await expectNoLeaks(async () => {
      await using bus = createTestBus<Events>();
      bus.on('tick', () => undefined);
      bus.waitFor('tick').catch(() => undefined);
    });
    const error = await expectNoLeaks(() => {
      const bus = createTestBus<Events>();
      bus.on('tick', () => undefined);
    }).catch((e: Error) => e.message);
    expect(error).toBe(
      'The scenario left work behind:\n' +
        '  - test bus #1 (created in the scenario): 1 live subscription (events$ stream, handler or recorder) left (0 before, 1 after): ' +
        'unsubscribe what events$/on/handle/record returned, or close the bus',
    );
  });

  it('works on any bus through stats() (no timers: its clock is not inspectable)', async () => {
    const bus = createBus<Events>();
    await expect(
      expectNoLeaks(bus, () => {
        bus.events$('tick').subscribe();
      }),
    ).rejects.toThrow('bus #1: 1 live subscription');
    expect(pendingWorkOf(bus).timers).toBe(0);
  });

  it('rejects with the scenario’s own error when it throws', async () => {
    const bus = createTestBus<Events>();
    const boom = new Error('scenario failed');
    await expect(
      expectNoLeaks(bus, () => {
        bus.waitFor('tick').catch(() => undefined);
        throw boom;
      }),
    ).rejects.toBe(boom);
  });

  it('stops watching for new test buses once the scenario is over', async () => {
    await expectNoLeaks(() => undefined);
    createTestBus<Events>().on('tick', () => undefined); // after: nobody's concern
    await expectNoLeaks(() => undefined);
  });

  it('needs a scenario', async () => {
    await expect(expectNoLeaks(createBus() as never)).rejects.toThrow(/needs a scenario/);
  });
});

describe('leakGuard', () => {
  it('checks at the end of a `using` scope', () => {
    const bus = createTestBus<Events>();
    expect(() => {
      using _guard = leakGuard(bus);
      bus.events$().subscribe();
    }).toThrow(LeakError);
    expect(() => {
      using _guard = leakGuard(bus);
      bus.events$().subscribe().unsubscribe();
    }).not.toThrow();
  });

  it('reports leaks so far with leaks() and check()', () => {
    const bus = createTestBus<Events>();
    const guard = leakGuard(bus);
    expect(guard.leaks()).toEqual([]);
    const sub = bus.events$().subscribe();
    expect(guard.leaks()).toEqual([{ bus: 'bus #1', kind: 'subscriptions', before: 0, after: 1 }]);
    expect(() => guard.check()).toThrow(LeakError);
    sub.unsubscribe();
    guard.check();
    guard[Symbol.dispose]();
  });

  it('names several buses by position', () => {
    const a = createTestBus<Events>();
    const b = createTestBus<Events>();
    const guard = leakGuard(a, b);
    b.waitFor('tick', undefined, { timeout: 0 }).catch(() => undefined);
    expect(guard.leaks().map((l) => `${l.bus} ${l.kind}`)).toEqual(['bus #2 waiters']);
    void b.close();
    guard[Symbol.dispose]();
  });
});
