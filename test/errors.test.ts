import { describe, expect, it } from 'vitest';
import { fail, revoked, trapped } from './support/hostile-objects.js';
import { createBus } from 'rxbus';
import { VirtualScheduler } from 'rxbus/testing';
import { describeValue } from '../src/render-value.js';
import {
  BufferFullError,
  BusClosedError,
  CommandDroppedError,
  CommandQueueFullError,
  CoordinatorClosedError,
  DuplicateResponderError,
  HandlerError,
  NoResponderError,
  QueueFullError,
  RequestTimeoutError,
  RxBusError,
  WaitTimeoutError,
} from '../src/errors.js';

describe('RxBusError', () => {
  it('is an Error named RxBusError that keeps its cause', () => {
    const cause = new Error('root');
    const err = new RxBusError('something failed', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('RxBusError');
    expect(err.message).toBe('something failed');
    expect(err.cause).toBe(cause);
    expect(String(err)).toBe('RxBusError: something failed');
  });

  it('names subclasses after themselves unless they choose a name', () => {
    class CustomError extends RxBusError {}
    expect(new CustomError('x').name).toBe('CustomError');
    expect(new CustomError('x')).toBeInstanceOf(RxBusError);
  });
});

describe('WaitTimeoutError', () => {
  const nearMisses = [
    { type: 'page.response', summary: "{ url: '/api/users', status: 500 }", time: 10 },
    { type: 'page.response', summary: "{ url: '/api/orders', status: 200 }", time: 20 },
  ];

  it("is named 'TimeoutError' and is an RxBusError", () => {
    const err = new WaitTimeoutError({ pattern: 'page.response', matcher: '{ status: 200 }', timeout: 5000 });
    expect(err.name).toBe('TimeoutError');
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect(err).toBeInstanceOf(RxBusError);
    expect(err).toBeInstanceOf(Error);
  });

  it('keeps the pattern, matcher, timeout and near misses as fields', () => {
    const err = new WaitTimeoutError({ pattern: 'page.response', matcher: '{ status: 200 }', timeout: 5000, nearMisses });
    expect(err.pattern).toBe('page.response');
    expect(err.matcher).toBe('{ status: 200 }');
    expect(err.timeout).toBe(5000);
    expect(err.nearMisses).toEqual(nearMisses);
  });

  it('names the pattern, the matcher and the timeout in its message', () => {
    const err = new WaitTimeoutError({ pattern: 'page.response', matcher: '{ status: 200 }', timeout: 5000 });
    expect(err.message).toContain('Timed out after 5000 ms');
    expect(err.message).toContain("'page.response' matching { status: 200 }");
    expect(err.message).toContain("No 'page.response' event arrived while waiting.");
    expect(err.message).toContain('raise the timeout');
    expect(err.nearMisses).toEqual([]);
  });

  it('lists the near misses, oldest first, one per line', () => {
    const err = new WaitTimeoutError({ pattern: 'page.*', matcher: '{ status: 200 }', timeout: 250, nearMisses });
    expect(err.message).toBe(
      "Timed out after 250 ms waiting for 'page.*' matching { status: 200 }. 2 recent 'page.*' event(s) did not match:\n" +
        "  - page.response { url: '/api/users', status: 500 }\n" +
        "  - page.response { url: '/api/orders', status: 200 }\n" +
        'Check the matcher against what was published, or raise the timeout if the event is just slow.',
    );
  });

  it('describes a waiter without a pattern (the operator) as waiting for a value', () => {
    const err = new WaitTimeoutError({ matcher: 'predicate isReady', timeout: 100 });
    expect(err.pattern).toBeUndefined();
    expect(err.message).toBe(
      'Timed out after 100 ms waiting for a value matching predicate isReady.\n' +
        'Check the matcher against what was published, or raise the timeout if the event is just slow.',
    );
  });
});

describe('BusClosedError', () => {
  it('is named BusClosedError, keeps the operation and says what to do', () => {
    const err = new BusClosedError("publish('order.created')");
    expect(err.name).toBe('BusClosedError');
    expect(err).toBeInstanceOf(RxBusError);
    expect(err).toBeInstanceOf(Error);
    expect(err.operation).toBe("publish('order.created')");
    expect(err.message).toContain("Cannot publish('order.created'): the bus is closed.");
    expect(err.message).toContain('Create a new bus');
  });
});

describe('QueueFullError', () => {
  it('names the type, the capacity and the jobs needed when publish finds the queue full', () => {
    const err = new QueueFullError({ type: 'tick', capacity: 1024, needed: 3 });
    expect(err.name).toBe('QueueFullError');
    expect(err).toBeInstanceOf(RxBusError);
    expect(err).toBeInstanceOf(Error);
    expect(err.type).toBe('tick');
    expect(err.capacity).toBe(1024);
    expect(err.waited).toBeUndefined();
    expect(err.message).toContain('Handler queue is full (1024 jobs waiting)');
    expect(err.message).toContain("'tick' needs 3 more");
    expect(err.message).toContain("'await bus.emit()'");
  });

  it('says how long emit waited when its timeout passed', () => {
    const err = new QueueFullError({ type: 'tick', capacity: 8, needed: 2, waited: 1500 });
    expect(err.waited).toBe(1500);
    expect(err.message).toContain('stayed full for 1500 ms');
    expect(err.message).toContain("'tick' needed room for 2 job(s) (capacity 8)");
    expect(err.message).toContain("raise 'concurrency'");
  });
});

describe('HandlerError', () => {
  it('names the handler, the event type and id, and the cause message', () => {
    const cause = new Error('db down');
    const event = { type: 'order.created', id: 7 };
    const err = new HandlerError({ event, handler: 'saveOrder', cause });
    expect(err.name).toBe('HandlerError');
    expect(err).toBeInstanceOf(RxBusError);
    expect(err).toBeInstanceOf(Error);
    expect(err.event).toBe(event);
    expect(err.handler).toBe('saveOrder');
    expect(err.cause).toBe(cause);
    expect(err.message).toBe("Handler 'saveOrder' failed on 'order.created' (event #7): db down");
  });

  it('describes an anonymous handler and a cause that is not an Error', () => {
    const err = new HandlerError({ event: { type: 'tick', id: 1 }, cause: 'plain string' });
    expect(err.handler).toBeUndefined();
    expect(err.cause).toBe('plain string');
    expect(err.message).toBe("A handler failed on 'tick' (event #1): plain string");
    expect(new HandlerError({ event: { type: 'tick', id: 2 }, handler: '', cause: undefined }).message).toBe(
      "A handler failed on 'tick' (event #2): undefined",
    );
  });
});

describe('RequestTimeoutError', () => {
  it("is named 'TimeoutError' and names the request type and timeout", () => {
    const err = new RequestTimeoutError({ type: 'user.get', timeout: 1000 });
    expect(err.name).toBe('TimeoutError');
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect(err).toBeInstanceOf(RxBusError);
    expect(err).toBeInstanceOf(Error);
    expect(err.type).toBe('user.get');
    expect(err.timeout).toBe(1000);
    expect(err.message).toContain("No reply to request 'user.get' within 1000 ms.");
    expect(err.message).toContain("bus.handle('user.get')");
  });
});

describe('NoResponderError', () => {
  it('names the request type and how to register a responder', () => {
    const err = new NoResponderError('user.get');
    expect(err.name).toBe('NoResponderError');
    expect(err).toBeInstanceOf(RxBusError);
    expect(err).toBeInstanceOf(Error);
    expect(err.type).toBe('user.get');
    expect(err.message).toBe("No responder for request 'user.get'. Register one with bus.handle('user.get', ...) before sending requests.");
  });
});

describe('CoordinatorClosedError', () => {
  it('is a BusClosedError naming the command called after close()', () => {
    const err = new CoordinatorClosedError({ command: 'add' });
    expect(err.name).toBe('CoordinatorClosedError');
    expect(err).toBeInstanceOf(BusClosedError);
    expect(err).toBeInstanceOf(RxBusError);
    expect(err).toBeInstanceOf(Error);
    expect(err.command).toBe('add');
    expect(err.queued).toBe(false);
    expect(err.operation).toBe("run command 'add'");
    expect(err.message).toContain("Cannot run command 'add': the coordinator is closed.");
    expect(err.message).toContain('Create a new coordinator');
    expect(err.message).not.toContain('bus');
  });

  it('says that a queued command never ran when close({ drain: false }) dropped it', () => {
    const err = new CoordinatorClosedError({ command: 'reserve', queued: true });
    expect(err.queued).toBe(true);
    expect(err.message).toContain("Command 'reserve' never ran");
    expect(err.message).toContain('close({ drain: false })');
  });
});

describe('CommandQueueFullError', () => {
  it('is a QueueFullError whose type is the command, with coordinator advice', () => {
    const err = new CommandQueueFullError({ command: 'reserve', capacity: 100 });
    expect(err.name).toBe('CommandQueueFullError');
    expect(err).toBeInstanceOf(QueueFullError);
    expect(err).toBeInstanceOf(RxBusError);
    expect(err).toBeInstanceOf(Error);
    expect(err.command).toBe('reserve');
    expect(err.type).toBe('reserve');
    expect(err.capacity).toBe(100);
    expect(err.waited).toBeUndefined();
    expect(err.message).toContain("Command 'reserve' was rejected");
    expect(err.message).toContain('capacity 100');
    expect(err.message).not.toContain('emit');
  });
});

describe('CommandDroppedError', () => {
  it('names the command, the capacity and the policy that dropped it', () => {
    const newest = new CommandDroppedError({ command: 'render', capacity: 1, overflow: 'drop-newest' });
    expect(newest.name).toBe('CommandDroppedError');
    expect(newest).toBeInstanceOf(RxBusError);
    expect(newest).toBeInstanceOf(Error);
    expect(newest).not.toBeInstanceOf(QueueFullError);
    expect([newest.command, newest.capacity, newest.overflow]).toEqual(['render', 1, 'drop-newest']);
    expect(newest.message).toContain("Command 'render' was dropped without running: it arrived while 1 call(s) were waiting");
    expect(newest.message).toContain("overflow 'drop-newest'");

    const oldest = new CommandDroppedError({ command: 'render', capacity: 3, overflow: 'drop-oldest' });
    expect(oldest.overflow).toBe('drop-oldest');
    expect(oldest.message).toContain('a newer call arrived while 3 call(s) were waiting');
    expect(oldest.message).toContain("overflow 'drop-oldest'");
  });
});

describe('BufferFullError', () => {
  it('is a QueueFullError naming the operator, its concurrency and capacity', () => {
    const err = new BufferFullError({ operator: 'boundedMerge', capacity: 100, concurrency: 4 });
    expect(err.name).toBe('BufferFullError');
    expect(err).toBeInstanceOf(QueueFullError);
    expect(err).toBeInstanceOf(RxBusError);
    expect(err).toBeInstanceOf(Error);
    expect(err.operator).toBe('boundedMerge');
    expect(err.type).toBe('boundedMerge');
    expect(err.capacity).toBe(100);
    expect(err.concurrency).toBe(4);
    expect(err.message).toContain('boundedMerge buffer is full: 4 inner subscription(s) running and 100 value(s) waiting.');
    expect(err.message).toContain("raise 'capacity' or 'concurrency'");
  });
});

describe('error names', () => {
  it('gives every error class a distinct identity but shares RxBusError', () => {
    const errors = [
      new WaitTimeoutError({ matcher: 'anything', timeout: 1 }),
      new BusClosedError('publish'),
      new QueueFullError({ type: 't', capacity: 1, needed: 1 }),
      new HandlerError({ event: { type: 't', id: 1 }, cause: new Error('x') }),
      new RequestTimeoutError({ type: 't', timeout: 1 }),
      new NoResponderError('t'),
    ];
    expect(errors.map((e) => e.name)).toEqual([
      'TimeoutError',
      'BusClosedError',
      'QueueFullError',
      'HandlerError',
      'TimeoutError',
      'NoResponderError',
    ]);
    expect(errors.every((e) => e instanceof RxBusError)).toBe(true);
    expect(errors[0]).not.toBeInstanceOf(RequestTimeoutError);
    expect(errors[4]).not.toBeInstanceOf(WaitTimeoutError);
    expect(errors.every((e) => typeof e.stack === 'string')).toBe(true);
  });
});

const REVOKED = /<unrenderable: TypeError: Cannot perform '[A-Za-z]+' on a proxy that has been revoked>/;

/** Values a handler may throw that `String()` or `instanceof` cannot handle, with the text a HandlerError gives for them. */
const hostileCauses: Array<[string, () => unknown, string | RegExp]> = [
  ['a null-prototype object', () => Object.create(null) as object, '{}'],
  ['a null-prototype object with fields', () => Object.assign(Object.create(null) as object, { code: 'E_DB' }), "{ code: 'E_DB' }"],
  ['a Proxy whose traps throw', () => trapped(), '<unrenderable: Error: getPrototypeOf trap>'],
  ['a revoked Proxy', () => revoked(), REVOKED],
  ['an object whose toString throws', () => ({ toString: fail('toString') }), '{ toString: [Function] }'],
  [
    'an object whose message getter throws',
    () => Object.defineProperty({}, 'message', { get: fail('message'), enumerable: true }),
    '{ message: <unrenderable: Error: message> }',
  ],
  [
    'an Error whose message getter throws',
    () => Object.defineProperty(new Error('x'), 'message', { get: fail('message') }),
    'Error: <unrenderable: Error: message>',
  ],
  ['an Error whose name getter throws', () => Object.defineProperty(new Error('db down'), 'name', { get: fail('name') }), 'db down'],
  ['a Symbol', () => Symbol('boom'), 'Symbol(boom)'],
];

const endsWith = (text: string, tail: string | RegExp): void => {
  if (typeof tail === 'string') expect(text.endsWith(tail)).toBe(true);
  else expect(text).toMatch(new RegExp(`${tail.source}$`));
};

describe('errors built from hostile values', () => {
  it.each(hostileCauses)('HandlerError renders %s as a cause without throwing', (_, make, text) => {
    const cause = make();
    const err = new HandlerError({ event: { type: 'job', id: 3 }, handler: 'save', cause });
    expect(err.cause === cause).toBe(true);
    expect(err.message.startsWith("Handler 'save' failed on 'job' (event #3): ")).toBe(true);
    endsWith(err.message, text);
  });

  it('HandlerError renders a plain object cause as a literal, not [object Object]', () => {
    const err = new HandlerError({ event: { type: 'job', id: 1 }, cause: { code: 'E_DB', retry: false } });
    expect(err.message).toBe("A handler failed on 'job' (event #1): { code: 'E_DB', retry: false }");
  });

  const hostileValues: Array<[string, () => unknown]> = [
    ['a Symbol', () => Symbol('t')],
    ['a null-prototype object', () => Object.create(null) as object],
    ['a Proxy whose traps throw', () => trapped()],
    ['a revoked Proxy', () => revoked()],
  ];
  const builders: Array<[string, (v: never) => Error]> = [
    [
      'WaitTimeoutError',
      (v) => new WaitTimeoutError({ pattern: v, matcher: v, timeout: 5, nearMisses: [{ type: v, summary: v, time: 0 }] }),
    ],
    ['BusClosedError', (v) => new BusClosedError(v)],
    ['QueueFullError', (v) => new QueueFullError({ type: v, capacity: 1, needed: 2 })],
    ['QueueFullError (waited)', (v) => new QueueFullError({ type: v, capacity: 1, needed: 2, waited: 10 })],
    ['QueueFullError (never fits)', (v) => new QueueFullError({ type: v, capacity: 1, needed: 9, concurrency: 2 })],
    ['HandlerError', (v) => new HandlerError({ event: { type: v, id: 1 }, handler: v, cause: v })],
    ['RequestTimeoutError', (v) => new RequestTimeoutError({ type: v, timeout: 5 })],
    ['NoResponderError', (v) => new NoResponderError(v)],
    ['CoordinatorClosedError', (v) => new CoordinatorClosedError({ command: v })],
    ['CoordinatorClosedError (queued)', (v) => new CoordinatorClosedError({ command: v, queued: true })],
    ['CommandQueueFullError', (v) => new CommandQueueFullError({ command: v, capacity: 1 })],
    ['CommandDroppedError', (v) => new CommandDroppedError({ command: v, capacity: 1, overflow: 'drop-oldest' })],
    ['BufferFullError', (v) => new BufferFullError({ operator: v, capacity: 1, concurrency: 1 })],
    ['DuplicateResponderError', (v) => new DuplicateResponderError(v)],
  ];
  const cases = builders.flatMap(([name, build]) => hostileValues.map(([what, make]) => [name, what, build, make] as const));

  it.each(cases)('%s quotes %s passed as a type or name without throwing', (_, __, build, make) => {
    const value = make();
    const err = build(value as never);
    expect(err).toBeInstanceOf(RxBusError);
    expect(err.message).toContain(describeValue(value));
  });
});

type HostileEvents = { job: number; x: unknown };

describe('handlers that throw hostile values, through createBus', () => {
  it.each(hostileCauses)('reports a sync handler that throws %s as a HandlerError, and publish does not throw', (_, make, text) => {
    const bus = createBus<HostileEvents>({ scheduler: new VirtualScheduler() });
    const errors: HandlerError[] = [];
    bus.errors$.subscribe((e) => errors.push(e));
    const value = make();
    const ran: number[] = [];
    bus.on('job', function hostile() {
      throw value;
    });
    bus.on('job', (n) => void ran.push(n));
    expect(() => bus.publish('job', 1)).not.toThrow();
    bus.publish('job', 2);
    expect(ran).toEqual([1, 2]);
    expect(errors.map((e) => [e instanceof HandlerError, e.cause === value, e.handler, e.event.id])).toEqual([
      [true, true, 'hostile', 1],
      [true, true, 'hostile', 2],
    ]);
    expect(errors[0]!.message.startsWith("Handler 'hostile' failed on 'job' (event #1): ")).toBe(true);
    endsWith(errors[0]!.message, text);
    expect(bus.stats()).toMatchObject({ failed: 2, delivered: 2, running: 0, queued: 0 });
  });

  it.each(hostileCauses)(
    'reports an async handler that rejects with %s as a HandlerError, with no unhandled rejection',
    async (_, make, text) => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        const bus = createBus<HostileEvents>({ scheduler: new VirtualScheduler(), concurrency: 1 });
        const errors: HandlerError[] = [];
        bus.errors$.subscribe((e) => errors.push(e));
        const value = make();
        bus.on('job', async function hostile(n) {
          await Promise.resolve();
          if (n === 1) throw value;
        });
        bus.publish('job', 1);
        bus.publish('job', 2); // queued behind the failing job: it must still run
        // A macrotask turn: every microtask has run and Node has reported any unhandled rejection.
        await new Promise<void>((resolve) => setImmediate(resolve));
        expect(unhandled).toEqual([]);
        expect(errors.map((e) => [e instanceof HandlerError, e.cause === value, e.event.id])).toEqual([[true, true, 1]]);
        endsWith(errors[0]!.message, text);
        expect(bus.stats()).toMatchObject({ failed: 1, delivered: 1, running: 0, queued: 0 });
        await bus.settled();
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    },
  );

  it('passes a HandlerError for a hostile cause to onError when nobody subscribes to errors$', async () => {
    const seen: HandlerError[] = [];
    const bus = createBus<HostileEvents>({ scheduler: new VirtualScheduler(), onError: (e) => seen.push(e) });
    const cause = revoked();
    bus.on('job', async () => {
      throw cause;
    });
    bus.publish('job', 1);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(seen.map((e) => e.cause === cause)).toEqual([true]);
    expect(seen[0]!.message).toMatch(REVOKED);
  });

  it.each([
    ['a revoked Proxy', () => revoked(), /^TypeError: .*revoked/],
    ['a Proxy whose traps throw', () => trapped(), /^Error: get trap$/],
  ] as const)('reports a handler that returns %s (its then cannot be read) as a HandlerError', (_, make, reason) => {
    const bus = createBus<HostileEvents>({ scheduler: new VirtualScheduler() });
    const errors: HandlerError[] = [];
    bus.errors$.subscribe((e) => errors.push(e));
    bus.on('job', () => make() as unknown as void);
    expect(() => bus.publish('job', 1)).not.toThrow();
    expect(errors).toHaveLength(1);
    expect(String(errors[0]!.cause)).toMatch(reason);
    expect(bus.stats()).toMatchObject({ failed: 1, running: 0 });
  });
});

describe('WaitTimeoutError with hostile near misses, through createBus', () => {
  const list = (): unknown[] => {
    const items = [1, 2, 3];
    Object.defineProperty(items, 1, { get: fail('index 1') });
    return items;
  };
  const cyclic = (): unknown => {
    const root: Record<string, unknown> = { id: 1, bad: trapped() };
    root['self'] = root;
    let deep: Record<string, unknown> = root;
    for (let i = 0; i < 8; i++) deep = deep['next'] = { i };
    return root;
  };
  const named = (): unknown => {
    function handler(): void {}
    Object.defineProperty(handler, 'name', { get: fail('name') });
    return { onDone: handler };
  };
  const payloads: Array<[string, () => unknown, string | RegExp]> = [
    ['a Proxy whose traps throw', () => trapped(), '<unrenderable: Error: getPrototypeOf trap>'],
    ['a revoked Proxy', () => revoked(), new RegExp(`^${REVOKED.source}$`)],
    ['an array with a throwing index getter', list, '[1, <unrenderable: Error: index 1>, 3]'],
    [
      'an Error whose message getter throws',
      () => Object.defineProperty(new Error('x'), 'message', { get: fail('message') }),
      'Error: <unrenderable: Error: message>',
    ],
    [
      'a Map whose entries throws',
      () => Object.defineProperty(new Map([['a', 1]]), 'entries', { value: fail('entries') }),
      "Map(1) { 'a' => 1 }",
    ],
    [
      'a Date whose getTime throws',
      () => Object.defineProperty(new Date(0), 'getTime', { value: fail('getTime') }),
      '1970-01-01T00:00:00.000Z',
    ],
    ['a function whose name getter throws', named, '{ onDone: [Function <unrenderable: Error: name>] }'],
    [
      'a plain object with a throwing getter',
      () => ({
        a: 1,
        get b(): never {
          throw new Error('b');
        },
      }),
      '{ a: 1, b: <unrenderable: Error: b> }',
    ],
    // Longer than a near miss's 100 characters: cut with …
    [
      'a deep cyclic structure',
      cyclic,
      /^\{ id: 1, bad: <unrenderable: Error: getPrototypeOf trap>, self: \[Circular\], next: \{ i: 0, next: \{ i…$/,
    ],
  ];

  it.each(payloads)('rejects with its WaitTimeoutError when a near miss is %s', async (_, make, summary) => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<HostileEvents>({ scheduler, history: 16 });
    const wait = bus.waitFor('x', (p) => p === 'never', { timeout: 100 }).catch((e: unknown) => e);
    bus.publish('x', make());
    expect(() => scheduler.advance(100)).not.toThrow();
    const error = (await wait) as WaitTimeoutError;
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error.nearMisses).toHaveLength(1);
    if (typeof summary === 'string') expect(error.nearMisses[0]!.summary).toBe(summary);
    else expect(error.nearMisses[0]!.summary).toMatch(summary);
    expect(error.message).toContain(`- x ${error.nearMisses[0]!.summary}`);
    expect(scheduler.pending).toBe(0);
  });

  it('rejects an indexed waiter with its WaitTimeoutError when its own near miss holds a revoked Proxy', async () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<HostileEvents>({ scheduler, history: 0 });
    const wait = bus.waitFor('x', { id: 7, ok: true }, { timeout: 100 }).catch((e: unknown) => e);
    bus.publish('x', { id: 7, ok: false, body: revoked() });
    scheduler.advance(100);
    const error = (await wait) as WaitTimeoutError;
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error.nearMisses.map((m) => m.summary)).toHaveLength(1);
    // The marker quotes V8's whole message, so the summary's 100 characters cut it.
    expect(error.nearMisses[0]!.summary).toMatch(/^\{ id: 7, ok: false, body: <unrenderable: TypeError: Cannot perform .*…$/);
  });

  it('rejects with its WaitTimeoutError when its predicate has a throwing name getter', async () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<HostileEvents>({ scheduler });
    const isDone = (p: unknown): boolean => p === 'done';
    Object.defineProperty(isDone, 'name', { get: fail('name') });
    const wait = bus.waitFor('x', isDone, { timeout: 100 }).catch((e: unknown) => e);
    expect(() => scheduler.advance(100)).not.toThrow();
    const error = (await wait) as WaitTimeoutError;
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error.matcher).toBe('predicate <unrenderable: Error: name>');
  });
});
