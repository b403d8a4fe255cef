/**
 * Reading the replies of the stream commands (RESP2 arrays) without
 * trusting their shape: a reply that is not what Redis documents yields no
 * entries rather than an exception in the read loop.
 */

/** One stream entry: its id and its fields (`null` when the entry was deleted, e.g. trimmed by `MAXLEN`). */
export interface StreamEntry {
  readonly id: string;
  readonly fields: readonly string[] | null;
}

function entries(list: unknown): StreamEntry[] {
  if (!Array.isArray(list)) return [];
  const out: StreamEntry[] = [];
  for (const item of list) {
    if (!Array.isArray(item) || typeof item[0] !== 'string') continue;
    out.push({ id: item[0], fields: Array.isArray(item[1]) ? (item[1] as string[]) : null });
  }
  return out;
}

/**
 * The entries of an `XREADGROUP` reply for one stream (`null` when the block
 * timed out). RESP2 nests `[[key, entries]]`; a client may already have
 * unwrapped the single stream to `[key, entries]` (ioredis 6 does): both are read.
 *
 * @example
 * ```ts
 * readReply([['rxbus.events', [['1-0', ['topic', 't', 'data', '{}']]]]]); // [{ id: '1-0', fields: [...] }]
 * ```
 */
export function readReply(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  const stream = typeof reply[0] === 'string' ? reply : reply[0];
  return Array.isArray(stream) ? entries((stream as unknown[])[1]) : [];
}

/**
 * The next cursor and the entries of an `XAUTOCLAIM` reply (also `XCLAIM`'s entries, with `claimReply`).
 *
 * @example
 * ```ts
 * autoClaimReply(['0-0', [['1-0', ['topic', 't', 'data', '{}']]], []]); // { cursor: '0-0', entries: [...] }
 * ```
 */
export function autoClaimReply(reply: unknown): { cursor: string; entries: StreamEntry[] } {
  if (!Array.isArray(reply)) return { cursor: '0-0', entries: [] };
  return { cursor: typeof reply[0] === 'string' ? reply[0] : '0-0', entries: entries(reply[1]) };
}

/**
 * The entries of an `XCLAIM` reply.
 *
 * @example
 * ```ts
 * claimReply([['1-0', ['topic', 't', 'data', '{}']]]); // [{ id: '1-0', fields: [...] }]
 * ```
 */
export function claimReply(reply: unknown): StreamEntry[] {
  return entries(reply);
}

/**
 * Delivery counts by entry id, from an `XPENDING key group start end count` reply.
 *
 * @example
 * ```ts
 * deliveryCounts([['1-0', 'consumer', 31000, 2]]).get('1-0'); // 2
 * ```
 */
export function deliveryCounts(reply: unknown): Map<string, number> {
  const counts = new Map<string, number>();
  if (!Array.isArray(reply)) return counts;
  for (const row of reply) {
    if (Array.isArray(row) && typeof row[0] === 'string' && typeof row[3] === 'number') counts.set(row[0], row[3]);
  }
  return counts;
}

/**
 * The value of a field of an entry, or `undefined`.
 *
 * @example
 * ```ts
 * fieldOf(['topic', 't', 'data', '{}'], 'data'); // '{}'
 * ```
 */
export function fieldOf(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
