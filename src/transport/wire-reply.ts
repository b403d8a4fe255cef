/**
 * The wire format of a reply to a request between processes, version 1:
 *
 *   {"v":1,"ok":true,"reply":…}
 *   {"v":1,"ok":false,"error":{"name":"NotFoundError","message":"no user 7"}}
 *
 * A request itself travels as an event envelope (wire-envelope.ts). Only an
 * error's name and message cross the wire: the stack stays in the process
 * that threw it, and the caller gets a `RemoteError` carrying both.
 */
import { describeCause } from '../render-value.js';
import { WIRE_VERSION, parseJson } from './wire-envelope.js';

/** A decoded reply. */
export type WireReply =
  { readonly ok: true; readonly reply: unknown } | { readonly ok: false; readonly name: string; readonly message: string };

/** The result of {@link decodeReply}. */
export type DecodedReply = { readonly ok: true; readonly reply: WireReply } | { readonly ok: false; readonly reason: string };

/**
 * Encodes a successful reply.
 *
 * @throws TypeError (from `JSON.stringify`) when the reply is not JSON-serialisable.
 * @example
 * ```ts
 * msg.respond(encodeReply({ id: '7', name: 'Ada' }));
 * ```
 */
export function encodeReply(reply: unknown): string {
  return JSON.stringify({ v: WIRE_VERSION, ok: true, reply });
}

/**
 * Encodes a responder's failure: any thrown value, rendered safely.
 *
 * @example
 * ```ts
 * msg.respond(encodeFailure(new Error('no user 7')));
 * ```
 */
export function encodeFailure(error: unknown): string {
  let name = 'Error';
  let message: string;
  try {
    if (error instanceof Error) {
      name = typeof error.name === 'string' && error.name.length > 0 ? error.name : 'Error';
      message = typeof error.message === 'string' ? error.message : describeCause(error);
    } else {
      message = describeCause(error);
    }
  } catch {
    // A hostile error (a revoked Proxy, a throwing getter) still gets a reply.
    message = describeCause(error);
  }
  return JSON.stringify({ v: WIRE_VERSION, ok: false, error: { name, message } });
}

/**
 * Decodes a reply from untrusted bytes.
 *
 * @example
 * ```ts
 * const decoded = decodeReply(msg.data, 1 << 20);
 * if (decoded.ok && decoded.reply.ok) resolve(decoded.reply.reply);
 * ```
 */
export function decodeReply(data: Uint8Array | string, maxBytes: number): DecodedReply {
  const parsed = parseJson(data, maxBytes);
  if (!parsed.ok) return parsed;
  const value = parsed.value as Record<string, unknown> | null;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: 'not a JSON object' };
  if (value.v !== WIRE_VERSION) return { ok: false, reason: `reply version ${String(value.v)}, expected ${WIRE_VERSION}` };
  if (value.ok === true) return { ok: true, reply: { ok: true, reply: value.reply } };
  const error = value.error as Record<string, unknown> | null | undefined;
  if (value.ok !== false || error === null || typeof error !== 'object')
    return { ok: false, reason: "neither 'ok: true' with a reply nor 'ok: false' with an error" };
  const name = typeof error.name === 'string' ? error.name : 'Error';
  const message = typeof error.message === 'string' ? error.message : '(no message)';
  return { ok: true, reply: { ok: false, name, message } };
}
