/**
 * Redis Streams (`mode: 'streams'`, at-least-once).
 *
 * Out: `XADD <key> MAXLEN ~ <maxLen> * topic <channel> data <envelope>` on
 * the caller's connection; unanswered sends wait in the seam's outbox and are
 * resent with backoff. Redis does not drop a resent copy: receivers do, by
 * event identity (the duplicate window).
 *
 * In: one consumer group per `group` (or per process, `rxbus-<origin>`,
 * destroyed on close), one consumer per process named after its origin. A
 * connection of the bridge's own blocks in `XREADGROUP … COUNT n` where `n`
 * is what the bus has room for now (backpressure crosses the wire). An entry
 * is acknowledged (`XACK`, batched per tick) after `bus.deliver` reports no
 * failure; a failure leaves it pending and it is taken again (`XCLAIM`) after
 * the backoff; after `maxAttempts`, or when invalid, it is copied to the
 * dead-letter stream, acknowledged and reported.
 *
 * Every `claimAfter / 2` ms the bridge touches the entries it still holds
 * (running or waiting for a retry: `XCLAIM … JUSTID`, so they stay its own)
 * and takes over entries idle for `claimAfter` ms (`XAUTOCLAIM`): those of a
 * crashed consumer. An entry delivered more than `maxAttempts` times without
 * an acknowledgement (its handler keeps killing the process) is given up the
 * same way, so a poison entry never stalls the group.
 */
import type { Subscription } from 'rxjs';
import { BridgeError } from '../errors.js';
import { redeliveryBackoff } from '../transport/backoff.js';
import type { BrokerLink, LinkContext } from '../transport/bridge.js';
import type { Settlement } from '../transport/ingress.js';
import { PullPacer } from '../transport/pull-pacer.js';
import { assertCount, assertDuration, assertFunction, assertOneOf, optionsOf } from '../validate.js';
import type { RedisClient } from './client.js';
import { watchConnections } from './connection-status.js';
import { noRequests } from './no-requests.js';
import type { RedisBridgeOptions } from './options.js';
import { autoClaimReply, claimReply, deliveryCounts, fieldOf, readReply, type StreamEntry } from './stream-entries.js';

/** Streams settings with their defaults. */
export interface StreamsSettings {
  readonly key: string;
  readonly deadLetterKey: string;
  readonly maxLen: number;
  readonly deadLetterMaxLen: number;
  readonly maxAttempts: number;
  readonly backoff: (attempt: number) => number;
  readonly claimAfter: number;
  readonly start: 'new' | 'all';
  readonly batch: number;
  readonly block: number;
}

const KEY = /^[\x21-\x7e]{1,256}$/;

/**
 * Checks the `streams` options and fills in the defaults.
 *
 * @example
 * ```ts
 * streamsSettings({ prefix: 'shop' }).key; // 'shop.events'
 * ```
 */
export function streamsSettings(options: Pick<RedisBridgeOptions, 'streams' | 'prefix'>): StreamsSettings {
  const prefix = options.prefix ?? 'rxbus';
  const {
    key = `${prefix}.events`,
    deadLetterKey = `${prefix}.dead-letters`,
    maxLen = 100_000,
    deadLetterMaxLen = 10_000,
    maxAttempts = 5,
    backoff = redeliveryBackoff,
    claimAfter = 30_000,
    start = 'new',
    batch = 256,
    block = 2000,
  } = optionsOf(options.streams, 'streams options');
  for (const [name, value] of [
    ['streams.key', key],
    ['streams.deadLetterKey', deadLetterKey],
  ] as const) {
    if (typeof value !== 'string' || !KEY.test(value))
      throw new TypeError(`Expected '${name}' to be a key of 1 to 256 printable ASCII characters, got ${JSON.stringify(value)}.`);
  }
  if (key === deadLetterKey) throw new TypeError(`Expected 'streams.deadLetterKey' to differ from 'streams.key' ('${key}').`);
  assertCount(maxLen, 'streams.maxLen', 1);
  assertCount(deadLetterMaxLen, 'streams.deadLetterMaxLen', 1);
  assertCount(maxAttempts, 'streams.maxAttempts', 1);
  assertFunction(backoff, 'streams.backoff');
  assertDuration(claimAfter, 'streams.claimAfter', 100);
  assertOneOf(start, 'streams.start', ['new', 'all'] as const);
  assertCount(batch, 'streams.batch', 1);
  assertCount(block, 'streams.block', 10);
  return { key, deadLetterKey, maxLen, deadLetterMaxLen, maxAttempts, backoff, claimAfter, start, batch, block };
}

const message = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause));
const isNoGroup = (cause: unknown) => message(cause).startsWith('NOGROUP');

/**
 * The Redis Streams link of one bridge.
 *
 * @example
 * ```ts
 * openBridge(bus, options, { transport: 'redis', guarantee: 'at-least-once', link: (context) => streamsLink(client, context, settings) });
 * ```
 */
export function streamsLink(client: RedisClient, context: LinkContext, settings: StreamsSettings): BrokerLink {
  const { port, counters, options, origin } = context;
  const { key, claimAfter } = settings;
  const group = options.group ?? `rxbus-${origin}`;
  const perProcess = options.group === undefined;
  const consumer = origin;
  const subject = `${key} > ${group}`;
  const report = (reason: 'connection' | 'handler-failed', detail: string, cause?: unknown, attempts?: number) =>
    context.report(new BridgeError({ reason, transport: 'redis', detail, subject, cause, attempts }));

  let reader: RedisClient | undefined;
  let readerId: unknown;
  let stopped = false;
  let loop: Promise<void> | undefined;
  let tick: Subscription | undefined;
  let claimCursor = '0-0';
  let claiming = false;
  let stopWatching = watchConnections([client], context);
  /** Entries this consumer holds (running, or waiting for a retry), with when it last touched them. */
  const held = new Map<string, number>();
  const retries = new Map<string, Subscription>();
  let acks: string[] = [];
  const writes = new Set<Promise<unknown>>();

  const track = (write: Promise<unknown>) => {
    writes.add(write);
    void write.finally(() => writes.delete(write));
  };
  const pacer = new PullPacer(port, counters, options.maxInFlight, settings.batch);

  /**
   * XACKs go out in batches: the deliveries of one read settle over many
   * microtasks, and one XACK per entry would cost a round trip each. A batch
   * leaves on the next scheduler turn, or at once when it is full.
   */
  let ackTimer: Subscription | undefined;
  let acksSent: (() => void) | undefined;
  const flushAcks = () => {
    ackTimer?.unsubscribe();
    ackTimer = undefined;
    const ids = acks;
    acks = [];
    const sent = acksSent;
    acksSent = undefined;
    void client
      .command('XACK', [key, group, ...ids])
      .catch((cause: unknown) => {
        // Left pending: taken again after claimAfter, and dropped as a duplicate then.
        if (!client.ended) report('connection', `could not acknowledge ${ids.length} entries: ${message(cause)}`, cause);
      })
      .finally(sent);
  };
  const ack = (id: string) => {
    acks.push(id);
    if (acks.length === 1) {
      track(new Promise<void>((resolve) => (acksSent = resolve)));
      ackTimer = port.scheduler.schedule(flushAcks, 0);
    } else if (acks.length >= settings.batch) {
      flushAcks();
    }
  };

  const deadLetter = (entry: StreamEntry, attempts: number) => {
    const fields = entry.fields ?? [];
    track(
      client
        .command('XADD', [
          settings.deadLetterKey,
          'MAXLEN',
          '~',
          settings.deadLetterMaxLen,
          '*',
          'topic',
          fieldOf(fields, 'topic') ?? '',
          'data',
          fieldOf(fields, 'data') ?? '',
          'stream',
          key,
          'entry',
          entry.id,
          'group',
          group,
          'consumer',
          consumer,
          'attempts',
          attempts,
        ])
        .then(
          () => ack(entry.id),
          (cause: unknown) =>
            report(
              'connection',
              `could not copy entry ${entry.id} to the dead-letter stream '${settings.deadLetterKey}' (left pending, tried again later): ${message(cause)}`,
              cause,
            ),
        ),
    );
  };

  const settle = (entry: StreamEntry, attempt: number) => (settlement: Settlement, delay?: number) => {
    const id = entry.id;
    if (settlement === 'retry' && !stopped) {
      held.set(id, port.scheduler.now());
      const retry = port.scheduler.schedule(() => {
        retries.delete(id);
        void reclaim(entry, attempt + 1);
      }, delay ?? 0);
      if (!retry.closed) retries.set(id, retry);
    } else {
      held.delete(id);
      if (settlement === 'ack') ack(id);
      else if (settlement === 'term') deadLetter(entry, attempt);
      // 'wait' (a copy is being delivered), or a retry while stopping: left pending, taken again after claimAfter.
    }
    pacer.nudge();
  };

  const take = (entry: StreamEntry, attempt: number) => {
    const fields = entry.fields ?? [];
    held.set(entry.id, port.scheduler.now());
    context.ingress.receive(
      { topic: fieldOf(fields, 'topic') ?? key, data: fieldOf(fields, 'data') ?? '', attempt },
      settle(entry, attempt),
    );
  };

  /** Takes a failed entry again after its backoff (`XCLAIM` counts the delivery). */
  async function reclaim(entry: StreamEntry, attempt: number): Promise<void> {
    if (stopped) {
      held.delete(entry.id);
      return;
    }
    try {
      const [claimed] = claimReply(await client.command('XCLAIM', [key, group, consumer, 0, entry.id]));
      if (claimed === undefined || claimed.fields === null) {
        // Acknowledged elsewhere, or trimmed away meanwhile.
        held.delete(entry.id);
        if (claimed !== undefined) ack(entry.id);
        return;
      }
      take(claimed, attempt);
    } catch (cause) {
      held.delete(entry.id);
      report('connection', `could not take entry ${entry.id} again (left pending, taken again after claimAfter): ${message(cause)}`, cause);
    }
  }

  async function ensureGroup(): Promise<void> {
    try {
      await client.command('XGROUP', ['CREATE', key, group, settings.start === 'all' ? '0' : '$', 'MKSTREAM']);
    } catch (cause) {
      if (!message(cause).startsWith('BUSYGROUP')) throw cause;
    }
  }

  /** Keeps held entries this consumer's, and takes over entries idle for claimAfter. */
  async function maintain(): Promise<void> {
    const now = port.scheduler.now();
    const touch: string[] = [];
    for (const [id, since] of held) {
      if (now - since >= claimAfter / 2) {
        held.set(id, now);
        touch.push(id);
      }
    }
    if (touch.length > 0) track(client.command('XCLAIM', [key, group, consumer, 0, ...touch, 'JUSTID']).catch(() => undefined));
    const space = pacer.room();
    if (claiming || stopped || space <= 0) return;
    claiming = true;
    try {
      const { cursor, entries } = autoClaimReply(
        await client.command('XAUTOCLAIM', [key, group, consumer, claimAfter, claimCursor, 'COUNT', space]),
      );
      claimCursor = cursor;
      const fresh = entries.filter((e) => !held.has(e.id));
      for (const gone of fresh.filter((e) => e.fields === null)) ack(gone.id);
      const claimed = fresh.filter((e) => e.fields !== null);
      if (claimed.length === 0) return;
      const counts = deliveryCounts(
        await client.command('XPENDING', [key, group, claimed[0]!.id, claimed.at(-1)!.id, claimed.length + held.size, consumer]),
      );
      for (const entry of claimed) {
        if (stopped) break;
        const deliveries = counts.get(entry.id) ?? 2;
        if (deliveries > settings.maxAttempts) {
          // Delivered again and again, never acknowledged: its handler keeps taking its process down.
          counters.terminated++;
          report(
            'handler-failed',
            `entry ${entry.id} was delivered ${deliveries} times without being acknowledged (a consumer died with it each time); it was copied to '${settings.deadLetterKey}' and acknowledged`,
            undefined,
            deliveries,
          );
          deadLetter(entry, deliveries);
          continue;
        }
        take(entry, deliveries);
      }
    } catch (cause) {
      if (!stopped && !isNoGroup(cause)) report('connection', `taking over idle entries failed: ${message(cause)}`, cause);
    } finally {
      claiming = false;
    }
  }

  async function pull(): Promise<void> {
    while (!stopped) {
      const count = pacer.room();
      if (count <= 0) {
        await pacer.waitForRoom();
        continue;
      }
      let reply: unknown;
      try {
        reply = await reader!.command('XREADGROUP', [
          'GROUP',
          group,
          consumer,
          'COUNT',
          count,
          'BLOCK',
          settings.block,
          'STREAMS',
          key,
          '>',
        ]);
      } catch (cause) {
        if (stopped) break;
        if (isNoGroup(cause)) {
          // The server lost the group (restarted without persistence, or someone destroyed it): make it again.
          await ensureGroup().catch((error: unknown) =>
            report('connection', `could not create consumer group '${group}': ${message(error)}`, error),
          );
        } else {
          report('connection', `reading from the stream failed: ${message(cause)}`, cause);
        }
        await pacer.pause(1000);
        continue;
      }
      for (const entry of readReply(reply)) take(entry, 1);
    }
  }

  return {
    send: (topic, data) => client.command('XADD', [key, 'MAXLEN', '~', settings.maxLen, '*', 'topic', topic, 'data', data]),
    ...noRequests,
    async startInput() {
      await ensureGroup();
      reader = await client.duplicate(`rxbus-read-${origin}`);
      stopWatching();
      stopWatching = watchConnections([client, reader], context);
      const identify = () =>
        reader!.command('CLIENT', ['ID']).then(
          (id) => (readerId = id),
          () => undefined,
        );
      await identify();
      // A reconnected reader has a new id: CLIENT UNBLOCK on close needs the current one.
      const stopIdentifying = reader.watch((state) => void (state === 'ready' && identify()));
      const period = Math.max(50, claimAfter / 2);
      tick = port.scheduler.schedule(function repeat(this: { schedule(state?: unknown, delay?: number): void }) {
        void maintain();
        this.schedule(undefined, period);
      }, period);
      loop = pull().finally(stopIdentifying);
    },
    async stopInput() {
      stopped = true;
      tick?.unsubscribe();
      pacer.nudge();
      for (const retry of retries.values()) retry.unsubscribe();
      for (const id of retries.keys()) held.delete(id);
      retries.clear();
      // Wakes the blocked XREADGROUP with an empty reply: what it read is still handed in.
      if (readerId !== undefined && !client.ended) await client.command('CLIENT', ['UNBLOCK', readerId as number]).catch(() => undefined);
      await loop;
    },
    async close() {
      stopWatching();
      while (writes.size > 0) await Promise.all(writes);
      reader?.disconnect();
      if (perProcess && !client.ended) await client.command('XGROUP', ['DESTROY', key, group]).catch(() => undefined);
    },
  };
}
