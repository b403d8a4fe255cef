/**
 * A handler job runs in the async context of the publish or emit that
 * created it (Node's AsyncLocalStorage: nestjs-cls, OpenTelemetry), not in
 * the context of whichever job freed its slot.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { createBus } from '../src/index.js';
import { deferred, flush } from './support/async.js';
import type { AnyEvents as Events } from './support/events.js';

describe('async context of handler jobs', () => {
  it('runs 100 queued jobs with concurrency 2 each in the context of its own publish', async () => {
    const als = new AsyncLocalStorage<number>();
    const bus = createBus<Events>({ concurrency: 2 });
    const mismatches: Array<[number, number | undefined]> = [];
    bus.on('req', async (n) => {
      await Promise.resolve();
      if (als.getStore() !== n) mismatches.push([n as number, als.getStore()]);
    });
    for (let i = 0; i < 100; i++) als.run(i, () => bus.publish('req', i));
    await bus.settled();
    expect(mismatches).toEqual([]);
  });

  it('runs a job published by a handler start in the context that handler published it from', async () => {
    const als = new AsyncLocalStorage<string>();
    const bus = createBus<Events>({ concurrency: 1 });
    const seen: Array<string | undefined> = [];
    const gate = deferred();
    bus.on('first', () => gate.promise);
    bus.on('second', () => void seen.push(als.getStore()));
    als.run('outer', () => bus.publish('first'));
    als.run('inner', () => bus.publish('second')); // waits for the slot of 'first'
    gate.resolve();
    await flush();
    expect(seen).toEqual(['inner']);
  });

  it('publishes a waiting emit in the context of the emit call', async () => {
    const als = new AsyncLocalStorage<string>();
    const bus = createBus<Events>({ concurrency: 1, capacity: 0 });
    const gate = deferred();
    const seen: Array<string | undefined> = [];
    bus.on('busy', () => gate.promise);
    bus.on('x', () => void seen.push(als.getStore()));
    als.run('publisher', () => bus.publish('busy'));
    const emitted = als.run('emitter', () => bus.emit('x', 1));
    als.run('releaser', () => gate.resolve());
    await emitted;
    await flush();
    expect(seen).toEqual(['emitter']);
  });

  it('runs jobs in the context of whichever job freed the slot with asyncContext: false (the opt-out)', async () => {
    const als = new AsyncLocalStorage<number>();
    const bus = createBus<Events>({ concurrency: 1, asyncContext: false });
    const seen: Array<number | undefined> = [];
    const gate = deferred();
    bus.on('req', async (n) => {
      seen.push(als.getStore());
      if (n === 0) await gate.promise;
    });
    als.run(0, () => bus.publish('req', 0));
    als.run(1, () => bus.publish('req', 1));
    als.run(2, () => gate.resolve());
    await bus.settled();
    expect(seen[0]).toBe(0);
    expect(seen[1]).not.toBe(1);
  });

  it("refuses a non-boolean 'asyncContext'", () => {
    expect(() => createBus({ asyncContext: 'yes' as never })).toThrow(/'asyncContext' to be true or false/);
  });
});
