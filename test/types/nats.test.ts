/**
 * Type tests for rxbus/nats: `tsc --noEmit` checks this file, so every
 * `@ts-expect-error` must be a real error. Calls that would connect are
 * inside `if (never)` blocks.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createBus, type Request } from 'rxbus';
import { bridge, type BridgeStats, type NatsBridge } from 'rxbus/nats';

type AppEvents = {
  'order.created': { id: string; total: number };
  'user.get': Request<{ id: string }, { name: string }>;
};

const never = false as boolean;
declare const nc: NatsConnection;

describe('rxbus/nats typing', () => {
  it('checks each schema against its event type (a request type against its request payload)', () => {
    const bus = createBus<AppEvents>();
    if (never) {
      void bridge(bus, nc, {
        schema: { 'order.created': z.object({ id: z.string(), total: z.number() }), 'user.get': z.object({ id: z.string() }) },
      });
      // @ts-expect-error the schema's output does not match the event's payload
      void bridge(bus, nc, { schema: { 'order.created': z.object({ id: z.number() }) } });
      // @ts-expect-error no such event type
      void bridge(bus, nc, { schema: { 'order.deleted': z.object({}) } });
      // @ts-expect-error unknown mode
      void bridge(bus, nc, { mode: 'push' });
    }
  });

  it('resolves to a bridge with typed stats', () => {
    expectTypeOf(bridge<AppEvents>).returns.toEqualTypeOf<Promise<NatsBridge>>();
    expectTypeOf<ReturnType<NatsBridge['stats']>>().toEqualTypeOf<BridgeStats>();
  });
});
