/**
 * The wire format of an event between processes, version 1: one JSON object
 *
 *   {"v":1,"type":"order.created","payload":{…},"id":42,"time":1700000000000,"origin":"…"}
 *
 * `id` and `time` are the event's id and time in the process that published
 * it, and `origin` names that process's bus: together, origin + id identify
 * the event everywhere (duplicates are recognised by them). A receiver
 * publishes the payload on its own bus, where the event gets a local id.
 *
 * Decoding trusts nothing: the bytes may be truncated, huge, not UTF-8, not
 * JSON, of another version, or carry a `__proto__` key that would turn a
 * later `Object.assign` or spread of the payload into a prototype change.
 * Each of these is an `{ ok: false, reason }` result, never a throw.
 */

/** The envelope version this rxbus writes and reads. */
export const WIRE_VERSION = 1;

/** An event as it travels between processes. */
export interface WireEnvelope {
  readonly v: typeof WIRE_VERSION;
  readonly type: string;
  readonly payload: unknown;
  readonly id: number;
  readonly time: number;
  readonly origin: string;
}

/** The result of {@link decodeEnvelope}: the envelope, or why the bytes are not one. */
export type Decoded = { readonly ok: true; readonly envelope: WireEnvelope } | { readonly ok: false; readonly reason: string };

/** Longest accepted `origin`. */
const MAX_ORIGIN = 256;

const utf8 = /*#__PURE__*/ new TextDecoder('utf-8', { fatal: true });

/**
 * Encodes an event for the wire.
 *
 * @throws TypeError (from `JSON.stringify`) when the payload is not JSON-serialisable (a BigInt, a cycle).
 * @example
 * ```ts
 * nc.publish(subject, encodeEnvelope(event, origin));
 * ```
 */
export function encodeEnvelope(
  event: { readonly type: string; readonly payload: unknown; readonly id: number; readonly time: number },
  origin: string,
): string {
  // One literal in a fixed key order: the same hidden class for every event.
  return JSON.stringify({ v: WIRE_VERSION, type: event.type, payload: event.payload, id: event.id, time: event.time, origin });
}

/**
 * Decodes and checks an envelope from untrusted bytes (or text).
 *
 * @example
 * ```ts
 * const decoded = decodeEnvelope(msg.data, 1024 * 1024);
 * if (!decoded.ok) report(decoded.reason);
 * else publish(decoded.envelope.type, decoded.envelope.payload);
 * ```
 */
export function decodeEnvelope(data: Uint8Array | string, maxBytes: number): Decoded {
  const parsed = parseJson(data, maxBytes);
  if (!parsed.ok) return parsed;
  const value = parsed.value as Record<string, unknown> | null;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail('not a JSON object');
  if (value.v !== WIRE_VERSION) return fail(`envelope version ${describeField(value.v)}, expected ${WIRE_VERSION}`);
  const { type, id, time, origin } = value;
  if (typeof type !== 'string' || type.length === 0) return fail(`'type' is ${describeField(type)}, expected a non-empty string`);
  if (type.charCodeAt(0) === 36 /* $ */) return fail(`type '${type}' is reserved for rxbus ('$' types are never sent between processes)`);
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) return fail(`'id' is ${describeField(id)}, expected an integer ≥ 1`);
  if (typeof time !== 'number' || !Number.isFinite(time)) return fail(`'time' is ${describeField(time)}, expected a finite number`);
  if (typeof origin !== 'string' || origin.length === 0 || origin.length > MAX_ORIGIN) {
    return fail(`'origin' is ${describeField(origin)}, expected a string of 1 to ${MAX_ORIGIN} characters`);
  }
  return { ok: true, envelope: { v: WIRE_VERSION, type, payload: value.payload, id, time, origin } };
}

/** The result of {@link parseJson}. */
export type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

/**
 * Parses untrusted JSON: bounded size, strict UTF-8, no `__proto__` keys.
 * Shared by events and request replies.
 *
 * @example
 * ```ts
 * const parsed = parseJson(msg.data, 1 << 20);
 * ```
 */
export function parseJson(data: Uint8Array | string, maxBytes: number): Parsed {
  // A string's UTF-8 size is at most 3 bytes per UTF-16 unit: only measure when that could exceed the limit.
  const size = typeof data === 'string' ? (data.length * 3 > maxBytes ? new TextEncoder().encode(data).length : data.length) : data.length;
  if (size > maxBytes) return fail(`${size} bytes, more than the limit of ${maxBytes}`);
  if (size === 0) return fail('empty message');
  let text: string;
  try {
    text = typeof data === 'string' ? data : utf8.decode(data);
  } catch {
    return fail('not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON (${error instanceof Error ? error.message : 'parse error'})`);
  }
  // JSON.parse makes "__proto__" an own key (no pollution yet), but a later
  // spread or Object.assign of the payload would set a prototype from it.
  // Scanning the text first keeps the common case to two indexOf calls (a
  // key may also be spelled with \u escapes).
  if (text.includes('__proto__') || text.includes('\\u')) {
    if (hasProtoKey(value)) return fail("a '__proto__' key (refused: it would change prototypes when the payload is copied)");
  }
  return { ok: true, value };
}

function hasProtoKey(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    for (const key of Object.keys(node)) {
      if (key === '__proto__') return true;
      stack.push((node as Record<string, unknown>)[key]);
    }
  }
  return false;
}

function fail(reason: string): { readonly ok: false; readonly reason: string } {
  return { ok: false, reason };
}

/** A short, safe rendering of a field read from the wire. */
function describeField(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
