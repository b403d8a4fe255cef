/**
 * The event maps many tests share. A test whose point is its own map (a
 * type test of payload kinds, a request map) keeps it; these are the maps
 * that were written out again and again.
 */
import type { BusEvent } from 'rxbus';

/** Any type name with any payload: for tests of the machinery (pool, backpressure, bridges), not of typing. */
export type AnyEvents = Record<string, unknown>;

/** The `order.created` event the type tests expect a pattern to yield. */
export type OrderCreated = BusEvent<'order.created', { id: string; total: number }>;

/** The `order.cancelled` event the type tests expect a pattern to yield. */
export type OrderCancelled = BusEvent<'order.cancelled', { id: string; reason: string }>;
