import { describe, expect, it } from 'vitest';
import {
  BufferFullError,
  BusClosedError,
  CommandDroppedError,
  CommandQueueFullError,
  CoordinatorClosedError,
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
    expect(err.message).toBe(
      "No responder for request 'user.get'. Register one with bus.handle('user.get', ...) before sending requests.",
    );
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
