// @vitest-environment jsdom
import './testbed.js';
import { component, CountingDestroyRef, injectorWith, NOTHING_PENDING, type Events } from './testbed.js';
import { Injector, provideZonelessChangeDetection, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';
import type { Bus, DroppedJob } from 'rxbus';
import { BUS, createBusToken, NoInjectionContextError, onBusEvent, provideBus } from 'rxbus/angular';
import { pendingWorkOf } from 'rxbus/testing';
import 'rxbus/testing/vitest';
import { deferred, flush } from '../support/async.js';

function setup(options: Parameters<typeof provideBus<Events>>[0] = {}): Bus<Events> {
  TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), provideBus<Events>(options)] });
  return TestBed.inject(BUS) as Bus<Events>;
}

describe('onBusEvent', () => {
  it('runs the handler on the pool for each matching event while the component lives', async () => {
    const bus = setup({ concurrency: 1 });
    const seen: string[] = [];
    const Listener = component(
      'x-listener',
      '',
      class {
        readonly sub = onBusEvent('order.*', (payload, event) => {
          seen.push(`${event.type}:${payload.id}`);
        });
      },
    );
    const fixture = TestBed.createComponent(Listener);
    bus.publish('order.placed', { id: 'a' });
    bus.publish('order.confirmed', { id: 'a', total: 3 });
    await bus.settled();
    expect(seen).toEqual(['order.placed:a', 'order.confirmed:a']);
    expect(bus.stats().subscriptions).toBe(1);
    fixture.destroy();
    expect(bus.stats().subscriptions).toBe(0);
    bus.publish('order.placed', { id: 'b' });
    await bus.settled();
    expect(seen).toHaveLength(2);
    expect(bus).toHaveNoPendingWork();
  });

  it('passes the bus.on options through: concurrency caps this handler', async () => {
    const bus = setup();
    const release = deferred();
    let running = 0;
    let most = 0;
    TestBed.runInInjectionContext(() =>
      onBusEvent(
        'tick',
        async () => {
          most = Math.max(most, ++running);
          await release.promise;
          running--;
        },
        { concurrency: 2 },
      ),
    );
    for (let i = 0; i < 5; i++) bus.publish('tick', i);
    expect(bus.stats()).toMatchObject({ running: 2, queued: 3 });
    release.resolve();
    await bus.settled();
    expect(most).toBe(2);
  });

  it('lets the running job finish and drops the queued ones when the component is destroyed', async () => {
    const bus = setup({ concurrency: 1 });
    const dropped: DroppedJob[] = [];
    bus.dropped$.subscribe((job) => dropped.push(job));
    const release = deferred();
    let finished = 0;
    const Worker = component(
      'x-worker',
      '',
      class {
        constructor() {
          onBusEvent('tick', async function work() {
            await release.promise;
            finished++;
          });
        }
      },
    );
    const fixture = TestBed.createComponent(Worker);
    bus.publish('tick', 1);
    bus.publish('tick', 2);
    bus.publish('tick', 3);
    fixture.destroy();
    expect(dropped.map((d) => [d.event.payload, d.reason, d.handler])).toEqual([
      [2, 'unsubscribed', 'work'],
      [3, 'unsubscribed', 'work'],
    ]);
    expect(bus.stats()).toMatchObject({ running: 1, queued: 0, subscriptions: 0 });
    release.resolve();
    await bus.settled();
    expect(finished).toBe(1);
    expect(pendingWorkOf(bus)).toMatchObject({ queued: 0, running: 0, waiters: 0, tracked: 0, emitters: 0 });
  });

  it('strands no job when the component is destroyed synchronously by the event it is handling', async () => {
    const bus = setup({ concurrency: 1 });
    const handled: string[] = [];
    const Panel = component(
      'x-panel',
      '',
      class {
        readonly #close = onBusEvent('panel.close', () => {
          handled.push('close');
          fixture.destroy(); // inside the job, which started inside publish: its own handlers go away
          bus.publish('tick', 99); // and what it publishes on the way out is not for them
        });
        readonly #ticks = onBusEvent('tick', (n) => void handled.push(`tick ${n}`));
      },
    );
    const fixture = TestBed.createComponent(Panel);
    bus.publish('panel.close');
    bus.publish('panel.close');
    await expect(bus.settled()).resolves.toBeUndefined();
    expect(handled).toEqual(['close']);
    expect(pendingWorkOf(bus)).toEqual(NOTHING_PENDING);
    expect(bus.stats()).toMatchObject({ published: 3, delivered: 1, dropped: 0, failed: 0 });
  });

  it('strands no job when the event it is handling destroys the component while more jobs are queued', async () => {
    const bus = setup({ concurrency: 1 });
    const handled: string[] = [];
    const dropped: string[] = [];
    bus.dropped$.subscribe(({ event, reason }) => dropped.push(`${event.type} ${reason}`));
    const step = deferred();
    const Panel = component(
      'x-panel',
      '',
      class {
        readonly #close = onBusEvent('panel.close', async () => {
          handled.push('close');
          await step.promise;
          fixture.destroy();
          bus.publish('tick', 99);
        });
        readonly #ticks = onBusEvent('tick', (n) => void handled.push(`tick ${n}`));
      },
    );
    const fixture = TestBed.createComponent(Panel);
    bus.publish('panel.close');
    bus.publish('panel.close');
    bus.publish('tick', 1);
    expect(bus.stats()).toMatchObject({ running: 1, queued: 2 });
    step.resolve();
    await expect(bus.settled()).resolves.toBeUndefined();
    expect(handled).toEqual(['close']);
    expect(dropped).toEqual(['panel.close unsubscribed', 'tick unsubscribed']);
    expect(pendingWorkOf(bus)).toEqual(NOTHING_PENDING);
    expect(bus.stats()).toMatchObject({ published: 4, delivered: 1, failed: 0 });
  });

  it('strands no job when an async handler destroys its component after an await', async () => {
    const bus = setup({ concurrency: 1 });
    const visible = signal(true);
    const step = deferred();
    const Child = component(
      'x-child',
      '',
      class {
        constructor() {
          onBusEvent('panel.close', async () => {
            await step.promise;
            visible.set(false);
          });
        }
      },
    );
    const Host = component(
      'x-host',
      '@if (visible()) { <x-child /> }',
      class {
        readonly visible = visible;
      },
      [Child],
    );
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    expect(bus.stats().subscriptions).toBe(1);
    bus.publish('panel.close');
    bus.publish('panel.close');
    step.resolve();
    await bus.settled();
    await fixture.whenStable(); // zoneless: the signal change re-renders and removes the child
    expect(bus.stats().subscriptions).toBe(0);
    expect(bus.stats()).toMatchObject({ delivered: 2, dropped: 0, queued: 0, running: 0 });
    expect(fixture.nativeElement.querySelector('x-child')).toBeNull();
  });

  it('uses an explicit injector and unregisters from its DestroyRef when unsubscribed first', () => {
    const bus = setup();
    const destroyRef = new CountingDestroyRef();
    const sub = onBusEvent('tick', () => undefined, { injector: injectorWith(destroyRef) });
    expect(destroyRef.callbacks.size).toBe(1);
    expect(bus.stats().subscriptions).toBe(1);
    sub.unsubscribe();
    expect(destroyRef.callbacks.size).toBe(0);
    expect(bus.stats().subscriptions).toBe(0);
  });

  it('subscribes nothing when the DestroyRef is already destroyed (no NG0911)', async () => {
    const bus = setup();
    const Dead = component('x-dead', '', class {});
    const fixture = TestBed.createComponent(Dead);
    const injector = fixture.componentRef.injector;
    fixture.destroy();
    const sub = onBusEvent('tick', () => undefined, { injector });
    expect(sub.closed).toBe(true);
    expect(bus.stats().subscriptions).toBe(0);
    const destroyRef = new CountingDestroyRef();
    destroyRef.destroy();
    expect(onBusEvent('tick', () => undefined, { injector: injectorWith(destroyRef) }).closed).toBe(true);
    expect(destroyRef.callbacks.size).toBe(0);
    await flush();
  });

  it('uses the bus of a token', async () => {
    const Orders = createBusToken<Events>('orders');
    TestBed.configureTestingModule({ providers: [provideBus(), provideBus({ token: Orders })] });
    const orders = TestBed.inject(Orders);
    const seen: string[] = [];
    TestBed.runInInjectionContext(() => onBusEvent('order.placed', ({ id }) => void seen.push(id), { token: Orders }));
    orders.publish('order.placed', { id: 'o1' });
    (TestBed.inject(BUS) as Bus<Events>).publish('order.placed', { id: 'other' });
    await orders.settled();
    expect(seen).toEqual(['o1']);
  });

  it('throws NoInjectionContextError naming onBusEvent without an injection context', () => {
    setup();
    expect(() => onBusEvent('tick', () => undefined)).toThrow(NoInjectionContextError);
    expect(() => onBusEvent('tick', () => undefined)).toThrow(/^onBusEvent\(\) was called outside an injection context/);
  });

  it('refuses bad arguments like bus.on, registering nothing', () => {
    const bus = setup();
    const destroyRef = new CountingDestroyRef();
    const injector = injectorWith(destroyRef);
    expect(() => onBusEvent('tick', 'nope' as never, { injector })).toThrow(TypeError);
    expect(() => onBusEvent('tick', () => undefined, { injector, concurrency: 0 })).toThrow(RangeError);
    expect(() => onBusEvent('tick', () => undefined, null as never)).toThrow(
      'Expected the options of onBusEvent() to be an object or undefined, got null.',
    );
    expect(destroyRef.callbacks.size).toBe(0);
    expect(bus.stats().subscriptions).toBe(0);
  });
});
