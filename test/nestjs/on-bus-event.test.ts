import { Inject, Injectable, Logger, Scope, type Provider } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import { JobTimeoutError, type Bus, type BusEvent, type HandlerContext } from 'rxbus';
import { VirtualScheduler } from 'rxbus/testing';
import { getBusToken, OnBusEvent, RxBusModule } from 'rxbus/nestjs';
import { describe, expect, it } from 'vitest';
import { startApp } from './testing-app.js';
import { deferred, type Deferred } from '../support/async.js';
import { CaptureLogger } from './capture-logger.js';

type Events = { 'order.created': { id: number; customer: string }; 'order.paid': { id: number }; fail: { n: number } };
async function start(providers: Provider[], options: Parameters<typeof RxBusModule.forRoot>[0] = {}, logger?: CaptureLogger) {
  const app = await startApp({ imports: [RxBusModule.forRoot(options)], providers }, logger);
  return { app, bus: app.get<Bus<Events>>(getBusToken()) };
}

describe('@OnBusEvent', () => {
  it('calls the method on the provider instance with (payload, event, context) for each matching event', async () => {
    const calls: Array<[unknown, string, boolean, boolean]> = [];
    @Injectable()
    class Orders {
      readonly me = this;
      @OnBusEvent('order.*')
      handle(payload: unknown, event: BusEvent, context: HandlerContext) {
        calls.push([payload, event.type, this === this.me, context.signal instanceof AbortSignal]);
      }
    }
    const { bus } = await start([Orders]);
    bus.publish('order.created', { id: 1, customer: 'a' });
    bus.publish('order.paid', { id: 1 });
    bus.publish('fail', { n: 0 });
    await bus.settled();
    expect(calls).toEqual([
      [{ id: 1, customer: 'a' }, 'order.created', true, true],
      [{ id: 1 }, 'order.paid', true, true],
    ]);
  });

  it('passes timeout to the core: a job running longer fails with a JobTimeoutError and its signal aborts', async () => {
    const scheduler = new VirtualScheduler();
    const aborted: boolean[] = [];
    @Injectable()
    class Slow {
      @OnBusEvent('order.paid', { timeout: 50 })
      handle(_payload: unknown, _event: BusEvent, { signal }: HandlerContext) {
        return new Promise<void>((resolve) => signal.addEventListener('abort', () => (aborted.push(signal.aborted), resolve())));
      }
    }
    const { bus } = await start([Slow], { scheduler });
    const failures: unknown[] = [];
    bus.errors$.subscribe((error) => failures.push(error.cause));
    bus.publish('order.paid', { id: 1 });
    scheduler.advance(49);
    expect(aborted).toEqual([]);
    scheduler.advance(1);
    await bus.settled();
    expect(aborted).toEqual([true]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(JobTimeoutError);
    expect(bus.stats()).toMatchObject({ failed: 1, running: 0 });
  });

  it('registers one handler per decorator on a stacked method', async () => {
    const types: string[] = [];
    @Injectable()
    class Orders {
      @OnBusEvent('order.created')
      @OnBusEvent('order.paid')
      handle(_payload: unknown, event: BusEvent) {
        types.push(event.type);
      }
    }
    const { bus } = await start([Orders]);
    expect(bus.stats().subscriptions).toBe(2);
    bus.publish('order.paid', { id: 1 });
    bus.publish('order.created', { id: 2, customer: 'b' });
    await bus.settled();
    expect(types).toEqual(['order.paid', 'order.created']);
  });

  it('applies concurrency and key: one job per customer at a time, at most 2 in all', async () => {
    const gates = new Map<number, Deferred<void>>();
    const log: string[] = [];
    @Injectable()
    class Orders {
      @OnBusEvent('order.created', { concurrency: 2, key: (order: { customer: string }) => order.customer })
      async handle({ id }: { id: number }) {
        log.push(`start ${id}`);
        const gate = deferred();
        gates.set(id, gate);
        await gate.promise;
      }
    }
    const { bus } = await start([Orders]);
    bus.publish('order.created', { id: 1, customer: 'a' });
    bus.publish('order.created', { id: 2, customer: 'a' });
    bus.publish('order.created', { id: 3, customer: 'b' });
    bus.publish('order.created', { id: 4, customer: 'c' });
    expect(log).toEqual(['start 1', 'start 3']);
    expect(bus.stats()).toMatchObject({ running: 2, queued: 2 });
    gates.get(1)!.resolve();
    await expect.poll(() => log).toEqual(['start 1', 'start 3', 'start 2']);
    for (const gate of gates.values()) gate.resolve();
    await expect.poll(() => log.length).toBe(4);
    for (const gate of gates.values()) gate.resolve();
    await bus.settled();
    expect(log.at(-1)).toBe('start 4');
  });

  it('logs a failing handler through the Nest logger, naming Class.method, and goes on serving', async () => {
    const logger = new CaptureLogger();
    const handled: number[] = [];
    @Injectable()
    class Flaky {
      @OnBusEvent('fail')
      handle({ n }: { n: number }) {
        if (n === 1) throw new Error('boom');
        handled.push(n);
      }
    }
    const { bus } = await start([Flaky], {}, logger);
    bus.publish('fail', { n: 1 });
    bus.publish('fail', { n: 2 });
    await bus.settled();
    expect(handled).toEqual([2]);
    const errors = logger.lines.filter((l) => l.level === 'error' && l.message.includes('boom'));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain("Handler 'Flaky.handle' failed on 'fail'");
    expect(errors[0]!.extra[0]).toMatch(/Error: boom\n\s+at /); // the cause's stack
    expect(errors[0]!.extra.at(-1)).toBe('RxBus'); // the logger context
    expect(bus.stats().failed).toBe(1);
  });

  it('sends failures to the module logger option, or to onError instead when one is given', async () => {
    const own = new CaptureLogger();
    @Injectable()
    class Flaky {
      @OnBusEvent('fail')
      handle() {
        throw new Error('bad');
      }
    }
    const first = await start([Flaky], { logger: own });
    first.bus.publish('fail', { n: 1 });
    await first.bus.settled();
    expect(own.at('error')).toEqual([expect.stringContaining('bad')]);

    const seen: string[] = [];
    const second = await start([Flaky], { logger: own, onError: (error) => seen.push(error.handler ?? '') });
    second.bus.publish('fail', { n: 1 });
    await second.bus.settled();
    expect(seen).toEqual(['Flaky.handle']);
    expect(own.at('error')).toHaveLength(1);
  });

  it('resolves a request-scoped provider per event, with the event as REQUEST, and logs that it does', async () => {
    const logger = new CaptureLogger();
    const instances = new Set<object>();
    const requests: unknown[] = [];
    @Injectable({ scope: Scope.REQUEST })
    class PerRequest {
      constructor(@Inject(REQUEST) private readonly request: BusEvent) {}
      @OnBusEvent('order.created')
      handle({ id }: { id: number }, event: BusEvent) {
        instances.add(this);
        requests.push([id, this.request === event]);
      }
    }
    const { bus } = await start([PerRequest], {}, logger);
    bus.publish('order.created', { id: 1, customer: 'a' });
    bus.publish('order.created', { id: 2, customer: 'a' });
    await bus.settled();
    expect(requests).toEqual([
      [1, true],
      [2, true],
    ]);
    expect(instances.size).toBe(2);
    expect(logger.at('log')).toContainEqual(expect.stringContaining('resolved per event: PerRequest.handle'));
  });

  it('resolves a transient provider per event, and a singleton that depends on request scope too', async () => {
    const instances: object[] = [];
    @Injectable({ scope: Scope.TRANSIENT })
    class Transient {
      @OnBusEvent('order.paid')
      handle() {
        instances.push(this);
      }
    }
    @Injectable({ scope: Scope.REQUEST })
    class Scoped {}
    @Injectable()
    class DependsOnScoped {
      constructor(@Inject(Scoped) readonly scoped: Scoped) {}
      @OnBusEvent('order.paid')
      handle() {
        instances.push(this.scoped);
      }
    }
    const { bus } = await start([Transient, Scoped, DependsOnScoped]);
    bus.publish('order.paid', { id: 1 });
    bus.publish('order.paid', { id: 2 });
    await bus.settled();
    expect(instances).toHaveLength(4);
    expect(new Set(instances).size).toBe(4);
    expect(instances.filter((i) => i instanceof Transient)).toHaveLength(2);
    expect(instances.filter((i) => i instanceof Scoped)).toHaveLength(2);
  });

  it('reports a per-event resolution failure as that handler failure', async () => {
    const logger = new CaptureLogger();
    @Injectable({ scope: Scope.REQUEST })
    class Broken {
      constructor() {
        throw new Error('cannot build');
      }
      @OnBusEvent('order.paid')
      handle() {}
    }
    const { bus } = await start([Broken], {}, logger);
    bus.publish('order.paid', { id: 1 });
    await bus.settled();
    expect(logger.at('error')).toEqual([
      expect.stringContaining("Handler 'Broken.handle' failed on 'order.paid' (event #1): cannot build"),
    ]);
  });

  it('checks its arguments when the class is defined', () => {
    expect(() => OnBusEvent('')).toThrow(TypeError);
    expect(() => OnBusEvent('a', { concurrency: 0 })).toThrow(RangeError);
    expect(() => OnBusEvent('a', { key: 'id' as never })).toThrow(/'key' to be a function/);
    expect(() => OnBusEvent('a', { timeout: -5 })).toThrow(RangeError);
    expect(() => OnBusEvent('a', { bus: '' })).toThrow(/bus name/);
    expect(() => OnBusEvent('a', null as never)).toThrow(/@OnBusEvent\(\) options/);
  });

  it('leaves no handler, job or waiter on the bus after the app closes', async () => {
    @Injectable()
    class Orders {
      @OnBusEvent('order.created')
      async handle() {}
    }
    const { app, bus } = await start([Orders]);
    bus.publish('order.created', { id: 1, customer: 'a' });
    await app.close();
    expect(bus.closed).toBe(true);
    expect(bus.stats()).toMatchObject({ subscriptions: 0, running: 0, queued: 0, waiters: 0, delivered: 1 });
  });

  it("uses Nest's Logger class by default (app.useLogger applies)", async () => {
    const logger = new CaptureLogger();
    @Injectable()
    class Flaky {
      @OnBusEvent('fail')
      handle() {
        throw new Error('via Logger');
      }
    }
    const { app, bus } = await start([Flaky]);
    app.useLogger(logger);
    try {
      bus.publish('fail', { n: 1 });
      await bus.settled();
      expect(logger.at('error')).toEqual([expect.stringContaining('via Logger')]);
    } finally {
      Logger.overrideLogger(false);
    }
  });
});
