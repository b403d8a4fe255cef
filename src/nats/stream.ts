/**
 * Creating the JetStream stream of a prefix is explicit: retention, storage
 * and limits are an operator's decision, so the bridge only checks that the
 * stream exists. `ensureStream` is the one-line way for apps and tests.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { assertTopicBase } from '../transport/topics.js';
import { assertCount, assertDuration, optionsOf } from '../validate.js';
import { defaultStreamName } from './jetstream-link.js';

/**
 * Options of {@link ensureStream}.
 *
 * @example
 * ```ts
 * await ensureStream(nc, { prefix: 'shop', maxAge: 24 * 3600_000, storage: 'file' });
 * ```
 */
export interface EnsureStreamOptions {
  /** The bridge's prefix: the stream captures `<prefix>.events.>`. @default 'rxbus' */
  readonly prefix?: string;
  /** The stream name. @default the prefix with '.' → '_' */
  readonly name?: string;
  /** `'file'` survives a server restart; `'memory'` does not. @default 'file' */
  readonly storage?: 'file' | 'memory';
  /** Events older than this are removed (ms; 0 = kept until other limits). @default 86400000 (1 day) */
  readonly maxAge?: number;
  /** At most this many bytes are kept (oldest removed first; -1 = no limit). @default -1 */
  readonly maxBytes?: number;
  /** The window (ms) in which the server drops a resent copy of an event by its id. @default 120000 */
  readonly duplicateWindow?: number;
  /** Copies in a cluster. @default 1 */
  readonly replicas?: number;
}

/**
 * Creates the JetStream stream that `mode: 'jetstream'` bridges of `prefix`
 * use, or leaves an existing one as it is. Retention is "limits": events stay
 * until `maxAge`/`maxBytes` remove them, whoever consumed them, so several
 * groups (and per-process consumers) can each read every event.
 *
 * @returns the stream's name.
 * @example
 * ```ts
 * const stream = await ensureStream(nc, { prefix: 'rxbus', maxAge: 3600_000 });
 * ```
 */
export async function ensureStream(nc: NatsConnection, options?: EnsureStreamOptions): Promise<string> {
  const {
    prefix = 'rxbus',
    name,
    storage = 'file',
    maxAge = 86_400_000,
    maxBytes = -1,
    duplicateWindow = 120_000,
    replicas = 1,
  } = optionsOf(options, 'ensureStream() options');
  assertTopicBase(prefix, 'prefix');
  assertDuration(maxAge, 'maxAge');
  assertDuration(duplicateWindow, 'duplicateWindow');
  assertCount(replicas, 'replicas', 1);
  if (maxBytes !== -1) assertCount(maxBytes, 'maxBytes', 1);
  const { jetstreamManager, RetentionPolicy, StorageType, DiscardPolicy } = await import('@nats-io/jetstream');
  const jsm = await jetstreamManager(nc);
  const stream = name ?? defaultStreamName(prefix);
  const exists = await jsm.streams.info(stream).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await jsm.streams.add({
      name: stream,
      subjects: [`${prefix}.events.>`],
      retention: RetentionPolicy.Limits,
      storage: storage === 'memory' ? StorageType.Memory : StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: maxAge * 1_000_000,
      max_bytes: maxBytes,
      duplicate_window: duplicateWindow * 1_000_000,
      num_replicas: replicas,
    });
  }
  return stream;
}
