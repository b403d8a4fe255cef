// @vitest-environment jsdom
import './testbed.js';
import type { Events } from './testbed.js';
import {
  createEnvironmentInjector,
  EnvironmentInjector,
  ErrorHandler,
  Injector,
  provideZonelessChangeDetection,
  type EnvironmentProviders,
} from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';
import { BusClosedError, CloseTimeoutError, HandlerError, type Bus } from 'rxbus';
import { BUS, createBusToken, injectBus, provideBus, withCloseOptions, withErrorHandler } from 'rxbus/angular';
import { VirtualScheduler } from 'rxbus/testing';
import 'rxbus/testing/vitest';
import { deferred, flush } from '../support/async.js';

/** A child environment injector with `providers`, as a lazy route gets. */
function childInjector(...providers: EnvironmentProviders[]): EnvironmentInjector {
  return createEnvironmentInjector(providers, TestBed.inject(EnvironmentInjector));
}

class RecordingErrorHandler extends ErrorHandler {
  readonly seen: unknown[] = [];
  override handleError(error: unknown): void {
    this.seen.push(error);
  }
}

describe('provideBus', () => {
  it('provides one bus per environment injector, created with the given options', () => {
    const scheduler = new VirtualScheduler(1000);
    TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), provideBus<Events>({ scheduler, history: 2 })] });
    const bus = TestBed.runInInjectionContext(() => injectBus<Events>());
    expect(TestBed.inject(BUS)).toBe(bus);
    bus.publish('tick', 1);
    const seen = bus.waitFor('tick', undefined, { since: 'history' });
    return expect(seen).resolves.toMatchObject({ type: 'tick', payload: 1, time: 1000 });
  });

  it('gives a child environment injector its own bus, and the parent keeps its own', () => {
    TestBed.configureTestingModule({ providers: [provideBus()] });
    const child = childInjector(provideBus());
    const parentBus = TestBed.inject(BUS);
    const childBus = child.get(BUS);
    expect(childBus).not.toBe(parentBus);
    child.destroy();
    expect(childBus.closed).toBe(true);
    expect(parentBus.closed).toBe(false);
  });

  it('provides a second bus under a token from createBusToken', () => {
    const Metrics = createBusToken<{ 'metric.sample': number }>('metrics');
    TestBed.configureTestingModule({ providers: [provideBus(), provideBus({ token: Metrics, concurrency: 1 })] });
    const metrics = TestBed.runInInjectionContext(() => injectBus(Metrics));
    expect(metrics).not.toBe(TestBed.inject(BUS));
    expect(TestBed.inject(Metrics)).toBe(metrics);
    expect(String(Metrics)).toBe('InjectionToken rxbus.Bus(metrics)');
  });

  it('closes the bus when its injector is destroyed, letting a running handler job finish (drain)', async () => {
    const child = childInjector(provideBus<Events>());
    const bus = child.get(BUS) as Bus<Events>;
    const release = deferred();
    let finished = 0;
    bus.on('tick', async () => {
      await release.promise;
      finished++;
    });
    bus.publish('tick', 1);
    const pending = bus.waitFor('order.placed');
    child.destroy();
    expect(bus.closed).toBe(true);
    expect(() => bus.publish('tick', 2)).toThrow(BusClosedError);
    await expect(pending).rejects.toBeInstanceOf(BusClosedError);
    expect(bus.stats().running).toBe(1);
    release.resolve();
    await flush();
    expect(finished).toBe(1);
    expect(bus).toHaveNoPendingWork();
  });

  it('works in an environment injector with no application above it (no NgZone)', async () => {
    const standalone = createEnvironmentInjector([provideBus<Events>()], Injector.NULL as EnvironmentInjector);
    const bus = standalone.get(BUS) as Bus<Events>;
    const seen = bus.waitFor('tick', 3, { timeout: 1000 });
    bus.publish('tick', 3);
    await expect(seen).resolves.toMatchObject({ payload: 3 });
    standalone.destroy();
    expect(bus.closed).toBe(true);
  });

  it('does nothing at destroy for a bus that was never injected', () => {
    const child = childInjector(provideBus());
    expect(() => child.destroy()).not.toThrow();
  });

  it('cancels running jobs at destroy with withCloseOptions({ drain: false })', async () => {
    const child = childInjector(provideBus<Events>({}, withCloseOptions({ drain: false })));
    const bus = child.get(BUS) as Bus<Events>;
    let aborted = 0;
    bus.on('tick', (_n, _e, { signal }) => new Promise<void>((resolve) => signal.addEventListener('abort', () => (aborted++, resolve()))));
    bus.publish('tick', 1);
    child.destroy();
    await flush();
    expect(aborted).toBe(1);
    expect(bus).toHaveNoPendingWork();
  });

  it('reports a close that times out to Angular’s ErrorHandler', async () => {
    const scheduler = new VirtualScheduler();
    const errors = new RecordingErrorHandler();
    TestBed.configureTestingModule({ providers: [{ provide: ErrorHandler, useValue: errors }] });
    const child = childInjector(provideBus<Events>({ scheduler }, withCloseOptions({ timeout: 100 })));
    const bus = child.get(BUS) as Bus<Events>;
    bus.on('tick', function stuck() {
      return new Promise(() => {});
    });
    bus.publish('tick', 1);
    child.destroy();
    scheduler.advance(100);
    await flush();
    expect(errors.seen).toHaveLength(1);
    expect(errors.seen[0]).toBeInstanceOf(CloseTimeoutError);
    expect((errors.seen[0] as Error).message).toContain('stuck');
  });

  it('sends unobserved handler failures to Angular’s ErrorHandler with withErrorHandler()', async () => {
    const errors = new RecordingErrorHandler();
    TestBed.configureTestingModule({
      providers: [{ provide: ErrorHandler, useValue: errors }, provideBus<Events>({}, withErrorHandler())],
    });
    const bus = TestBed.inject(BUS) as Bus<Events>;
    bus.on('tick', () => {
      throw new Error('boom');
    });
    bus.publish('tick', 1);
    await bus.settled();
    expect(errors.seen).toHaveLength(1);
    expect(errors.seen[0]).toBeInstanceOf(HandlerError);
    expect((errors.seen[0] as HandlerError).cause).toEqual(new Error('boom'));
  });

  it('refuses onError together with withErrorHandler() when the bus is created', () => {
    TestBed.configureTestingModule({ providers: [provideBus({ onError: () => undefined }, withErrorHandler())] });
    expect(() => TestBed.inject(BUS)).toThrow('provideBus() got both an onError option and withErrorHandler(): give one of them.');
  });

  it('refuses bad arguments where provideBus is called', () => {
    expect(() => provideBus(null as never)).toThrow(TypeError);
    expect(() => provideBus({ token: 'bus' as never })).toThrow(
      'Expected the \'token\' option of provideBus() to be a token from createBusToken(), got "bus".',
    );
    expect(() => provideBus({}, { kind: 'error-handler' } as never)).toThrow(
      'Expected feature #1 of provideBus() to come from withErrorHandler() or withCloseOptions(), got an object.',
    );
    expect(() => provideBus({}, withErrorHandler(), withErrorHandler())).toThrow(
      "provideBus() got the 'error-handler' feature twice: give it once.",
    );
    expect(() => withCloseOptions({ timeout: -1 })).toThrow(RangeError);
    expect(() => withCloseOptions({ drain: 'no' as never })).toThrow(TypeError);
    expect(() => createBusToken('')).toThrow(
      "Expected the bus token name to be a non-empty string such as 'metrics', got an empty string.",
    );
  });

  it('checks bus options when the bus is first injected', () => {
    TestBed.configureTestingModule({ providers: [provideBus({ concurrency: 0 })] });
    expect(() => TestBed.inject(BUS)).toThrow(RangeError);
  });
});
