/**
 * Type tests for rxbus/redis: `tsc --noEmit` checks this file, so every
 * `@ts-expect-error` must be a real error. Calls that would connect are
 * inside `if (never)` blocks.
 */
import type { Redis } from 'ioredis';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createBus } from 'rxbus';
import { bridge, type RedisBridge, type RedisBridgeStats } from 'rxbus/redis';

type AppEvents = { 'order.created': { id: string; total: number } };

const never = false as boolean;
declare const redis: Redis;

describe('rxbus/redis typing', () => {
  it('checks each schema against its event type, and refuses requests and unknown modes', () => {
    const bus = createBus<AppEvents>();
    if (never) {
      void bridge(bus, redis, {
        mode: 'streams',
        schema: { 'order.created': z.object({ id: z.string(), total: z.number() }) },
        streams: { maxLen: 1000 },
      });
      // @ts-expect-error the schema's output does not match the event's payload
      void bridge(bus, redis, { schema: { 'order.created': z.object({ id: z.number() }) } });
      // @ts-expect-error requests do not cross processes over Redis
      void bridge(bus, redis, { requests: ['order.created'] });
      // @ts-expect-error unknown mode
      void bridge(bus, redis, { mode: 'jetstream' });
    }
  });

  it('resolves to a bridge whose stats add what PUBLISH replied', () => {
    expectTypeOf(bridge<AppEvents>).returns.toEqualTypeOf<Promise<RedisBridge>>();
    expectTypeOf<ReturnType<RedisBridge['stats']>>().toEqualTypeOf<RedisBridgeStats>();
    expectTypeOf<RedisBridgeStats['unheard']>().toEqualTypeOf<number>();
  });
});
