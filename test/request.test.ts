import { describe, expect, it } from 'vitest';
import {
  BusClosedError,
  createBus,
  DuplicateResponderError,
  NoResponderError,
  QueueFullError,
  RequestTimeoutError,
  type BusEvent,
  type HandlerError,
  type Request,
} from '../src/index.js';
import { VirtualScheduler } from '../src/testing/virtual-scheduler.js';
import { deferred, flush, observe, seededRandom } from './support/async.js';

type Events = {
  'user.get': Request<{ id: string }, { id: string; name: string }>;
  'math.square': Request<number, number>;
  'job.run': Request<{ n: number }, { n: number; doubled: number }>;
  'user.renamed': { id: string; name: string };
};

/** What a responder that honours its signal returns: settles only by rejecting with the abort reason. */
function untilAborted<T>(signal: AbortSignal): Promise<T> {
  return new Promise<T>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
}

/** A bus on virtual time; `errors` collects what reaches errors$. */
function setup(options: Parameters<typeof createBus>[0] = {}) {
  const scheduler = new VirtualScheduler();
  const bus = createBus<Events>({ scheduler, ...options });
  const errors: HandlerError[] = [];
  bus.errors$.subscribe((e) => errors.push(e));
  return { scheduler, bus, errors };
}

describe('bus.request', () => {
  it('resolves with the reply of a synchronous responder', async () => {
    const { bus } = setup();
    bus.handle('user.get', ({ id }) => ({ id, name: `user ${id}` }));
    await expect(bus.request('user.get', { id: '7' })).resolves.toEqual({ id: '7', name: 'user 7' });
    expect(bus.stats().pendingRequests).toBe(0);
  });

  it('resolves with what an async responder resolves to', async () => {
    const { bus } = setup();
    const gate = deferred();
    bus.handle('math.square', async (n) => {
      await gate.promise;
      return n * n;
    });
    const reply = bus.request('math.square', 12);
    expect(bus.stats().pendingRequests).toBe(1);
    gate.resolve();
    await expect(reply).resolves.toBe(144);
    expect(bus.stats().pendingRequests).toBe(0);
  });

  it('never crosses replies under 1 000 concurrent requests with random responder delays', async () => {
    const { bus } = setup({ capacity: 2000, concurrency: 32 });
    const random = seededRandom(42);
    let running = 0;
    let maxRunning = 0;
    bus.handle('job.run', async ({ n }) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      // A random number of turns of the microtask queue: replies come back in
      // an order unrelated to the order of the requests.
      const turns = Math.floor(random() * 40);
      for (let i = 0; i < turns; i++) await Promise.resolve();
      running--;
      return { n, doubled: n * 2 };
    });
    const order: number[] = [];
    const requests = Array.from({ length: 1000 }, (_, n) =>
      bus.request('job.run', { n }).then((reply) => {
        order.push(n);
        return reply;
      }),
    );
    const replies = await Promise.all(requests);
    replies.forEach((reply, n) => expect(reply).toEqual({ n, doubled: n * 2 }));
    // The delays really did reorder the replies, and the pool's bound held.
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
    expect(maxRunning).toBe(32);
    expect(bus.stats()).toMatchObject({ pendingRequests: 0, queued: 0, running: 0, failed: 0 });
  });

  it('runs responders on the pool: the bus concurrency bounds them', async () => {
    const { bus } = setup({ concurrency: 2 });
    const gates = [deferred(), deferred(), deferred()];
    let started = 0;
    bus.handle('math.square', async (n) => {
      started++;
      await gates[n]!.promise;
      return n * n;
    });
    const replies = [0, 1, 2].map((n) => bus.request('math.square', n));
    expect(started).toBe(2);
    expect(bus.stats()).toMatchObject({ running: 2, queued: 1, pendingRequests: 3 });
    gates[0]!.resolve();
    await replies[0];
    await flush();
    expect(started).toBe(3);
    gates[1]!.resolve();
    gates[2]!.resolve();
    await expect(Promise.all(replies)).resolves.toEqual([0, 1, 4]);
  });

  it('honours the responder concurrency given to handle()', async () => {
    const { bus } = setup({ concurrency: 8 });
    const gate = deferred();
    let running = 0;
    bus.handle(
      'math.square',
      async (n) => {
        running++;
        await gate.promise;
        return n;
      },
      { concurrency: 1 },
    );
    const replies = [1, 2, 3].map((n) => bus.request('math.square', n));
    expect(running).toBe(1);
    gate.resolve();
    await expect(Promise.all(replies)).resolves.toEqual([1, 2, 3]);
  });

  it('rejects with NoResponderError naming the type when nobody handles it', async () => {
    const { bus } = setup();
    const error = await bus.request('user.get', { id: '1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoResponderError);
    expect((error as NoResponderError).type).toBe('user.get');
    expect((error as Error).message).toContain(`bus.handle('user.get'`);
    expect(bus.stats().published).toBe(0); // nothing was sent
  });

  it('rejects with NoResponderError once the responder is unsubscribed', async () => {
    const { bus } = setup();
    const sub = bus.handle('math.square', (n) => n * n);
    await expect(bus.request('math.square', 3)).resolves.toBe(9);
    sub.unsubscribe();
    await expect(bus.request('math.square', 3)).rejects.toBeInstanceOf(NoResponderError);
  });

  it('rejects a request whose queued job loses its responder with NoResponderError', async () => {
    const { bus } = setup({ concurrency: 1 });
    const gate = deferred();
    const sub = bus.handle('math.square', async (n) => {
      await gate.promise;
      return n * n;
    });
    const first = bus.request('math.square', 2);
    const second = bus.request('math.square', 3).catch((e: unknown) => e);
    sub.unsubscribe(); // the second request's job was still queued
    expect(await second).toBeInstanceOf(NoResponderError);
    gate.resolve();
    await expect(first).resolves.toBe(4); // the running job finishes
    expect(bus.stats().pendingRequests).toBe(0);
  });

  it('rejects with RequestTimeoutError in virtual time and aborts the responder signal', async () => {
    const { bus, scheduler, errors } = setup();
    let responderSignal: AbortSignal | undefined;
    bus.handle('user.get', (_payload, { signal }) => {
      responderSignal = signal;
      return new Promise<never>(() => {}); // never answers
    });
    const reply = bus.request('user.get', { id: '9' }, { timeout: 500 }).catch((e: unknown) => e);
    scheduler.advance(499);
    expect(bus.stats().pendingRequests).toBe(1);
    expect(responderSignal?.aborted).toBe(false);
    scheduler.advance(1);
    const error = (await reply) as RequestTimeoutError;
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error.name).toBe('TimeoutError');
    expect(error.timeout).toBe(500);
    expect(error.message).toMatch(/No reply to request 'user\.get' within 500 ms/);
    expect(responderSignal?.aborted).toBe(true);
    expect(responderSignal?.reason).toBe(error);
    expect(bus.stats().pendingRequests).toBe(0);
    expect(scheduler.pending).toBe(0); // no timer left
    expect(errors).toEqual([]);
  });

  it('uses the bus defaultTimeout, and 0 means no timeout', async () => {
    const { bus, scheduler } = setup({ defaultTimeout: 100 });
    // Stops when its signal aborts, as a responder should.
    bus.handle('math.square', (_n, { signal }) => untilAborted<number>(signal));
    const timed = bus.request('math.square', 1).catch((e: unknown) => e);
    const untimed = bus.request('math.square', 2, { timeout: 0 });
    scheduler.advance(100);
    expect(await timed).toBeInstanceOf(RequestTimeoutError);
    expect(bus.stats().pendingRequests).toBe(1);
    expect(scheduler.pending).toBe(0);
    void untimed.catch(() => {});
    await bus.close({ drain: false });
    await expect(untimed).rejects.toBeInstanceOf(BusClosedError);
  });

  it('does not run a responder for a request that timed out while its job was queued', async () => {
    const { bus, scheduler } = setup({ concurrency: 1 });
    const gate = deferred<number>();
    const calls: number[] = [];
    bus.handle('math.square', (n) => {
      calls.push(n);
      return n === 1 ? gate.promise : n * n;
    });
    const first = bus.request('math.square', 1, { timeout: 0 });
    const second = bus.request('math.square', 2, { timeout: 10 }).catch((e: unknown) => e);
    scheduler.advance(10);
    expect(await second).toBeInstanceOf(RequestTimeoutError);
    gate.resolve(1);
    await first;
    await bus.settled();
    expect(calls).toEqual([1]);
  });

  it('rejects at once with signal.reason when the signal was aborted before the call', async () => {
    const { bus } = setup();
    let calls = 0;
    bus.handle('math.square', (n) => {
      calls++;
      return n;
    });
    const controller = new AbortController();
    const reason = new Error('user left');
    controller.abort(reason);
    await expect(bus.request('math.square', 1, { signal: controller.signal })).rejects.toBe(reason);
    expect(calls).toBe(0);
    expect(bus.stats()).toMatchObject({ published: 0, pendingRequests: 0 });
  });

  it('rejects with signal.reason when aborted during the request and aborts the responder signal', async () => {
    const { bus } = setup();
    let responderSignal: AbortSignal | undefined;
    bus.handle('user.get', (_p, { signal }) => {
      responderSignal = signal;
      return new Promise<never>(() => {});
    });
    const controller = new AbortController();
    const reply = bus.request('user.get', { id: '1' }, { signal: controller.signal });
    const reason = new Error('cancelled');
    controller.abort(reason);
    await expect(reply).rejects.toBe(reason);
    expect(responderSignal?.reason).toBe(reason);
    expect(bus.stats().pendingRequests).toBe(0);
  });

  it('shares one abort listener per signal across many requests and removes it afterwards', async () => {
    const { bus } = setup();
    bus.handle('math.square', () => new Promise<number>(() => {}));
    const controller = new AbortController();
    let added = 0;
    let removed = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    const remove = controller.signal.removeEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      added++;
      add(...args);
    }) as typeof add;
    controller.signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      removed++;
      remove(...args);
    }) as typeof remove;
    const replies = Array.from({ length: 50 }, (_, n) => bus.request('math.square', n, { signal: controller.signal, timeout: 0 }));
    expect(added).toBe(1);
    controller.abort();
    const results = await Promise.allSettled(replies);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(removed).toBe(1);
    expect(bus.stats().pendingRequests).toBe(0);
  });

  it("rejects with the responder's own error as thrown, and does not report it on errors$", async () => {
    const { bus, errors } = setup();
    const syncError = new Error('user 1 not found');
    const asyncError = new TypeError('database down');
    bus.handle('user.get', async ({ id }) => {
      if (id === '2') throw asyncError;
      return { id, name: 'x' };
    });
    bus.handle('math.square', () => {
      throw syncError;
    });
    await expect(bus.request('math.square', 1)).rejects.toBe(syncError);
    await expect(bus.request('user.get', { id: '2' })).rejects.toBe(asyncError);
    await bus.settled();
    expect(errors).toEqual([]);
    expect(bus.stats()).toMatchObject({ failed: 0, pendingRequests: 0 });
  });

  it('reports a responder error that arrives after the timeout on errors$ as a HandlerError naming the responder and the request', async () => {
    const { bus, scheduler, errors } = setup();
    const gate = deferred<never>();
    // Ignores its signal: its failure comes after the caller stopped waiting.
    bus.handle('user.get', async function loadUser() {
      return gate.promise;
    });
    const reply = bus.request('user.get', { id: '1' }, { timeout: 50 }).catch((e: unknown) => e);
    const requestId = bus.cursor();
    scheduler.advance(50);
    expect(await reply).toBeInstanceOf(RequestTimeoutError);
    const late = new Error('database down');
    gate.reject(late);
    await bus.settled();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.handler).toBe('loadUser');
    expect(errors[0]!.event).toMatchObject({ type: 'user.get', id: requestId });
    expect(errors[0]!.cause).toBe(late);
    expect(errors[0]!.message).toMatch(/'loadUser' failed on 'user\.get' \(event #1\): database down/);
    expect(bus.stats()).toMatchObject({ failed: 1, pendingRequests: 0, running: 0 });
  });

  it('reports a responder error that arrives after an abort to onError and counts it as failed', async () => {
    const scheduler = new VirtualScheduler();
    const reported: HandlerError[] = [];
    const bus = createBus<Events>({ scheduler, onError: (e) => reported.push(e) });
    const gate = deferred<never>();
    bus.handle('math.square', () => gate.promise);
    const controller = new AbortController();
    const reply = bus.request('math.square', 3, { signal: controller.signal }).catch((e: unknown) => e);
    const reason = new Error('user left');
    controller.abort(reason);
    expect(await reply).toBe(reason);
    const late = new RangeError('overflow');
    gate.reject(late);
    await bus.settled();
    expect(reported.map((e) => [e.handler, e.event.type, e.cause])).toEqual([["responder of 'math.square'", 'math.square', late]]);
    expect(bus.stats().failed).toBe(1);
  });

  it('reports nothing when a cancelled responder rejects with the reason its signal gave', async () => {
    const { bus, scheduler, errors } = setup();
    bus.handle('math.square', (_n, { signal }) => untilAborted<number>(signal));
    const reply = bus.request('math.square', 3, { timeout: 10 }).catch((e: unknown) => e);
    scheduler.advance(10);
    expect(await reply).toBeInstanceOf(RequestTimeoutError);
    await bus.settled();
    expect(errors).toEqual([]);
    expect(bus.stats()).toMatchObject({ failed: 0, delivered: 1 });
  });

  it('rejects at once with the error a throwing then getter throws, instead of timing out', async () => {
    const { bus, errors } = setup();
    const boom = new Error('then getter');
    bus.handle(
      'math.square',
      () =>
        ({
          get then(): never {
            throw boom;
          },
        }) as never,
    );
    const reply = observe(bus.request('math.square', 2, { timeout: 1000 }));
    await flush(1); // no virtual time passes: it must not wait for the timeout
    expect(reply).toEqual({ status: 'rejected', error: boom });
    await bus.settled();
    expect(errors).toEqual([]);
    expect(bus.stats()).toMatchObject({ failed: 0, pendingRequests: 0 });
  });

  it('settles exactly once by the first outcome of a thenable that calls back more than once', async () => {
    const { bus, errors } = setup();
    const replies: unknown[] = [];
    bus.events$('$reply.math.square').subscribe((e) => replies.push(e.payload));
    const first = new Error('first');
    bus.handle(
      'math.square',
      (n) =>
        ({
          then(resolve: (v: number) => void, reject: (e: unknown) => void) {
            if (n === 1) {
              resolve(1);
              reject(new Error('late'));
              resolve(2);
              throw new Error('after resolving');
            }
            reject(first);
            resolve(3);
            setImmediate(() => resolve(4));
          },
        }) as never,
    );
    await expect(bus.request('math.square', 1)).resolves.toBe(1);
    await expect(bus.request('math.square', 2)).rejects.toBe(first);
    await flush();
    await bus.settled();
    expect(replies).toEqual([
      { requestId: 1, ok: true, reply: 1 },
      { requestId: 3, ok: false, error: first },
    ]);
    expect(errors).toEqual([]);
    expect(bus.stats()).toMatchObject({ failed: 0, delivered: 2 });
  });

  it('rejects pending requests with BusClosedError on close and aborts their responders', async () => {
    const { bus } = setup();
    let responderSignal: AbortSignal | undefined;
    bus.handle('user.get', (_p, { signal }) => {
      responderSignal = signal;
      return untilAborted<never>(signal);
    });
    const reply = bus.request('user.get', { id: '1' }, { timeout: 0 }).catch((e: unknown) => e);
    await bus.close();
    const error = await reply;
    expect(error).toBeInstanceOf(BusClosedError);
    expect(responderSignal?.reason).toBe(error);
    expect(bus.stats()).toMatchObject({ pendingRequests: 0, running: 0 });
    await expect(bus.request('user.get', { id: '1' })).rejects.toBeInstanceOf(BusClosedError);
    expect(() => bus.handle('math.square', (n) => n)).toThrow(BusClosedError);
  });

  it("rejects with QueueFullError when the request does not fit under 'error'", async () => {
    const { bus } = setup({ concurrency: 1, capacity: 1 });
    const gate = deferred<number>();
    bus.handle('math.square', () => gate.promise);
    const running = bus.request('math.square', 1);
    const queued = bus.request('math.square', 2);
    await expect(bus.request('math.square', 3)).rejects.toBeInstanceOf(QueueFullError);
    expect(bus.stats().pendingRequests).toBe(2);
    gate.resolve(7);
    await expect(Promise.all([running, queued])).resolves.toEqual([7, 7]);
  });

  it("rejects the newest request with QueueFullError under 'drop-newest' instead of letting it time out", async () => {
    const { bus } = setup({ concurrency: 1, capacity: 1, overflow: 'drop-newest' });
    const gate = deferred<number>();
    bus.handle('math.square', () => gate.promise);
    const replies = [1, 2, 3].map((n) => bus.request('math.square', n).catch((e: unknown) => e));
    expect(await replies[2]).toBeInstanceOf(QueueFullError);
    expect(bus.stats()).toMatchObject({ dropped: 1, pendingRequests: 2 });
    gate.resolve(5);
    expect(await Promise.all(replies.slice(0, 2))).toEqual([5, 5]);
  });

  it("rejects the evicted oldest queued request with QueueFullError under 'drop-oldest'", async () => {
    const { bus } = setup({ concurrency: 1, capacity: 1, overflow: 'drop-oldest' });
    const gate = deferred<number>();
    bus.handle('math.square', () => gate.promise);
    const replies = [1, 2, 3].map((n) => bus.request('math.square', n).catch((e: unknown) => e));
    expect(await replies[1]).toBeInstanceOf(QueueFullError);
    gate.resolve(5);
    expect(await replies[0]).toBe(5);
    expect(await replies[2]).toBe(5);
    expect(bus.stats()).toMatchObject({ dropped: 1, pendingRequests: 0 });
  });

  it('validates its arguments at the boundary and loses nothing', async () => {
    const { bus } = setup();
    bus.handle('math.square', (n) => n * n);
    await expect(bus.request(42 as never, 1 as never)).rejects.toBeInstanceOf(TypeError);
    await expect(bus.request('math.square', 1, { timeout: -5 })).rejects.toThrow(/'timeout'/);
    await expect(bus.request('math.square', 1, { signal: {} as never })).rejects.toThrow(/AbortSignal/);
    expect(bus.stats()).toMatchObject({ published: 0, pendingRequests: 0 });
    await expect(bus.request('math.square', 4)).resolves.toBe(16);
  });
});

describe('bus.handle', () => {
  it('throws DuplicateResponderError naming the type for a second responder, and allows one after unsubscribe', async () => {
    const { bus } = setup();
    const first = bus.handle('math.square', (n) => n * n);
    expect(() => bus.handle('math.square', (n) => n)).toThrow(DuplicateResponderError);
    expect(() => bus.handle('math.square', (n) => n)).toThrow(/'math\.square' already has a responder/);
    first.unsubscribe();
    bus.handle('math.square', (n) => -n);
    await expect(bus.request('math.square', 3)).resolves.toBe(-3);
  });

  it('rejects patterns, non-functions and bad options with clear errors', () => {
    const { bus } = setup();
    expect(() => bus.handle('user.*' as never, (() => ({ id: '', name: '' })) as never)).toThrow(/exact type, not a pattern/);
    expect(() => bus.handle('math.square', 'double' as never)).toThrow(/responder for 'math\.square' to be a function, got/);
    expect(() => bus.handle('math.square', (n) => n, { concurrency: 0 })).toThrow(/'concurrency'/);
    expect(bus.stats().subscriptions).toBe(0);
  });

  it('unregisters when its signal aborts, and at once when it was aborted before', async () => {
    const { bus } = setup();
    const controller = new AbortController();
    bus.handle('math.square', (n) => n, { signal: controller.signal });
    controller.abort();
    await expect(bus.request('math.square', 1)).rejects.toBeInstanceOf(NoResponderError);
    const sub = bus.handle('math.square', (n) => n, { signal: controller.signal });
    expect(sub.closed).toBe(true);
    bus.handle('math.square', (n) => n + 1); // the aborted ones left no registration behind
    await expect(bus.request('math.square', 1)).resolves.toBe(2);
  });

  it('ignores a plain publish of a request type: nobody waits for that answer', async () => {
    const { bus } = setup();
    let calls = 0;
    bus.handle('math.square', (n) => {
      calls++;
      return n;
    });
    bus.publish('math.square', 5);
    await bus.settled();
    expect(calls).toBe(0);
    expect(bus.stats().published).toBe(1);
  });
});

describe('request and reply events', () => {
  it('publish the request under its type and the reply as $reply.<type> correlated by the request id', async () => {
    const { bus } = setup();
    const seen: BusEvent[] = [];
    bus.events$('**').subscribe((e) => seen.push(e));
    bus.handle('math.square', (n) => {
      if (n < 0) throw new RangeError('negative');
      return n * n;
    });
    await bus.request('math.square', 3);
    const failure = await bus.request('math.square', -1).catch((e: unknown) => e);
    expect(seen.map((e) => [e.type, e.payload])).toEqual([
      ['math.square', 3],
      ['$reply.math.square', { requestId: seen[0]!.id, ok: true, reply: 9 }],
      ['math.square', -1],
      ['$reply.math.square', { requestId: seen[2]!.id, ok: false, error: failure }],
    ]);
  });

  it('can be awaited with waitFor like any event', async () => {
    const { bus } = setup();
    const gate = deferred<{ id: string; name: string }>();
    bus.handle('user.get', () => gate.promise);
    const reply = bus.waitFor('$reply.user.get', { ok: true });
    void bus.request('user.get', { id: '3' });
    gate.resolve({ id: '3', name: 'Ada' });
    const event = await reply;
    expect(event.payload).toMatchObject({ ok: true, reply: { name: 'Ada' } });
    expect(bus.stats()).toMatchObject({ waiters: 0, pendingRequests: 0 });
  });
});

describe('request correlation under re-entrancy', () => {
  it('correlates by the admitted event id when a key function makes a request first', async () => {
    const bus = createBus<{ 'user.get': Request<number, string> } & Record<string, unknown>>();
    bus.handle('user.get', (n) => `user ${n}`);
    let nested: Promise<unknown> | undefined;
    let started = false;
    bus.on('**', () => undefined, {
      key: (p) => {
        if (!started) {
          started = true;
          nested = bus.request('user.get', 2);
        }
        return String(p);
      },
    });
    const outer = bus.request('user.get', 1);
    await expect(outer).resolves.toBe('user 1');
    await expect(nested).resolves.toBe('user 2');
    expect(bus.stats().pendingRequests).toBe(0);
  });
});

describe('request whose responder a key function unsubscribes', () => {
  it('rejects with NoResponderError instead of waiting forever', async () => {
    const bus = createBus<{ req: Request<number, string> } & Record<string, unknown>>({ defaultTimeout: 0 });
    const responder = bus.handle('req', () => 'ok');
    bus.on('**', () => undefined, {
      key: () => {
        responder.unsubscribe();
        return 'k';
      },
    });
    await expect(bus.request('req', 1)).rejects.toBeInstanceOf(NoResponderError);
    expect(bus.stats().pendingRequests).toBe(0);
  });
});
