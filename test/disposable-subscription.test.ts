import { Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { RequestEvent } from 'rxbus';
import { createTestBus } from 'rxbus/testing';
import { disposableSubscription } from '../src/disposable-subscription.js';

type Events = { job: number; 'user.get': RequestEvent<{ id: string }, string> };

describe('disposable subscriptions', () => {
  it('on() and handle() return Subscriptions that `using` unsubscribes at the end of the scope', async () => {
    const bus = createTestBus<Events>();
    {
      using handler = bus.on('job', () => undefined);
      using responder = bus.handle('user.get', ({ id }) => id);
      expect(handler).toBeInstanceOf(Subscription);
      expect(responder.closed).toBe(false);
      expect(bus.stats().subscriptions).toBe(2);
    }
    expect(bus.stats().subscriptions).toBe(0);
    await bus.close();
  });

  it('an on() with an already aborted signal returns a closed, disposable subscription', () => {
    const bus = createTestBus<Events>();
    const sub = bus.on('job', () => undefined, { signal: AbortSignal.abort() });
    expect(sub.closed).toBe(true);
    expect(() => sub[Symbol.dispose]()).not.toThrow();
  });

  it("leaves RxJS's own Subscription.prototype alone", () => {
    expect(Symbol.dispose in Subscription.prototype).toBe(false);
    expect(Symbol.dispose in new Subscription()).toBe(false);
    let torn = 0;
    const sub = disposableSubscription(() => torn++);
    sub[Symbol.dispose]();
    sub[Symbol.dispose]();
    expect(torn).toBe(1);
  });
});
