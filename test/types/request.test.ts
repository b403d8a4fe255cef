/**
 * Type tests for request/reply: `tsc --noEmit` checks this file, so every
 * `@ts-expect-error` must be a real error and every `expectTypeOf` must hold.
 * Calls that would wait are inside `if (never)` blocks.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { createBus, type Bus } from '../../src/bus.js';
import type { BusEvent, ReplyOf, ReplyPayload, Request, RequestOf, RequestType } from '../../src/event-map.js';

type User = { id: string; name: string };
type AppEvents = {
  'user.get': Request<{ id: string }, User>;
  'math.square': Request<number, number>;
  'user.renamed': { id: string; name: string };
};

const never = false as boolean;

describe('request/reply typing', () => {
  it('lists only the request types of the map', () => {
    expectTypeOf<RequestType<AppEvents>>().toEqualTypeOf<'user.get' | 'math.square'>();
    expectTypeOf<RequestOf<AppEvents, 'user.get'>>().toEqualTypeOf<{ id: string }>();
    expectTypeOf<ReplyOf<AppEvents, 'user.get'>>().toEqualTypeOf<User>();
  });

  it('infers the reply type of bus.request from the type', () => {
    const bus = createBus<AppEvents>();
    if (never) {
      expectTypeOf(bus.request('user.get', { id: '7' })).toEqualTypeOf<Promise<User>>();
      expectTypeOf(bus.request('math.square', 3)).resolves.toBeNumber();
    }
  });

  it('rejects a wrong request payload, a non-request type and misuse of the reply', async () => {
    const bus = createBus<AppEvents>();
    if (never) {
      // @ts-expect-error -- the payload of 'user.get' is { id: string }
      void bus.request('user.get', { id: 7 });
      // @ts-expect-error -- the payload is required
      void bus.request('math.square');
      // @ts-expect-error -- 'user.renamed' is an event, not a request
      void bus.request('user.renamed', { id: '1', name: 'x' });
      const user = await bus.request('user.get', { id: '1' });
      // @ts-expect-error -- User has no 'email'
      void user.email;
      // @ts-expect-error -- the reply is a number, not a string
      const text: string = await bus.request('math.square', 2);
      void text;
    }
  });

  it('types the responder: its payload, its signal, and the reply it must return', () => {
    const bus = createBus<AppEvents>();
    bus.handle('user.get', (payload, { signal }) => {
      expectTypeOf(payload).toEqualTypeOf<{ id: string }>();
      expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
      return { id: payload.id, name: 'Ada' };
    });
    bus.handle('math.square', async (n) => n * n);
    if (never) {
      // @ts-expect-error -- the reply of 'math.square' is a number
      bus.handle('math.square', (n) => String(n));
      // @ts-expect-error -- a User needs a name
      bus.handle('user.get', ({ id }) => ({ id }));
      // @ts-expect-error -- only request types have responders
      bus.handle('user.renamed', () => undefined);
    }
  });

  it('publishes request types with their request payload and types the $reply events', () => {
    const bus: Bus<AppEvents> = createBus<AppEvents>();
    bus.publish('math.square', 4);
    bus.publish('user.get', { id: '1' });
    // @ts-expect-error -- the event under a request type carries the request payload, { id: string }
    bus.publish('user.get', { name: 'x' });
    bus.events$('$reply.user.get').subscribe((event) => {
      expectTypeOf(event.payload).toEqualTypeOf<ReplyPayload<User>>();
      if (event.payload.ok) expectTypeOf(event.payload.reply).toEqualTypeOf<User>();
    });
    if (never) {
      expectTypeOf(bus.waitFor('$reply.math.square')).resolves.toEqualTypeOf<BusEvent<'$reply.math.square', ReplyPayload<number>>>();
    }
  });

  it('leaves an untyped bus open: any type, unknown payloads and replies', () => {
    const bus = createBus();
    if (never) {
      expectTypeOf(bus.request('anything', { x: 1 })).toEqualTypeOf<Promise<unknown>>();
    }
    bus.handle('anything', (payload) => payload);
  });
});
