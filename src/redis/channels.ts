/**
 * Redis channels of the `subscribe` patterns. A pattern without wildcards is
 * one channel (`SUBSCRIBE`); one with `*` or `**` becomes a glob
 * (`PSUBSCRIBE`) in which each wildcard is `*`. Redis's `*` also matches
 * dots, so a glob is wider than its rxbus pattern: the ingress filters with
 * rxbus's own matcher. Glob syntax in a literal segment (`?`, `[`, `]`, `\`)
 * is escaped.
 *
 * Redis delivers a message once per subscription that matches its channel
 * (`order.*` and `order.created` both match `…order.created`), so
 * {@link ChannelPlan.owns} keeps only the copy of the first matching one.
 */
import { encodeSegment, type TopicMap } from '../transport/topics.js';

interface Subscription {
  readonly name: string;
  readonly glob: boolean;
  readonly test: (channel: string) => boolean;
}

const GLOB_SYNTAX = /[?[\]\\]/g;

function globMatcher(glob: string): (channel: string) => boolean {
  // Our globs are escaped literals and '*'; a RegExp per subscription, built once.
  let source = '^';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '\\') source += `\\${glob[++i] ?? '\\'}`;
    else if (char === '*') source += '.*';
    else source += /[\w-]/.test(char) ? char : `\\${char}`;
  }
  const re = new RegExp(`${source}$`, 's');
  return (channel) => re.test(channel);
}

/**
 * The channels and globs a pub/sub bridge subscribes to.
 *
 * @example
 * ```ts
 * const plan = new ChannelPlan(['order.*', 'user.created'], topics);
 * plan.channels; // ['rxbus.events.user.created']
 * plan.patterns; // ['rxbus.events.order.*']
 * ```
 */
export class ChannelPlan {
  readonly channels: readonly string[];
  readonly patterns: readonly string[];
  readonly #subscriptions: readonly Subscription[];
  readonly #owners = new Map<string, string>();

  constructor(patterns: readonly string[], topics: TopicMap) {
    const subscriptions = new Map<string, Subscription>();
    for (const pattern of patterns) {
      const segments = pattern.split('.');
      const glob = segments.some((s) => s === '*' || s === '**');
      if (!glob) {
        const channel = topics.of(pattern);
        subscriptions.set(channel, { name: channel, glob, test: (c) => c === channel });
        continue;
      }
      const name = `${topics.base.replace(GLOB_SYNTAX, '\\$&')}.${segments.map((s) => (s === '*' || s === '**' ? '*' : encodeSegment(s).replace(GLOB_SYNTAX, '\\$&'))).join('.')}`;
      subscriptions.set(name, { name, glob, test: globMatcher(name) });
    }
    this.#subscriptions = [...subscriptions.values()];
    this.channels = this.#subscriptions.filter((s) => !s.glob).map((s) => s.name);
    this.patterns = this.#subscriptions.filter((s) => s.glob).map((s) => s.name);
  }

  /** True when `subscription` is the first one matching `channel`: its copy of a message is the one to take. */
  owns(subscription: string, channel: string): boolean {
    if (this.#subscriptions.length === 1) return true;
    let owner = this.#owners.get(channel);
    if (owner === undefined) {
      owner = this.#subscriptions.find((s) => s.test(channel))?.name ?? subscription;
      // Channels can be generated without bound (one per id): keep the cache bounded.
      if (this.#owners.size >= 1024) this.#owners.clear();
      this.#owners.set(channel, owner);
    }
    return owner === subscription;
  }
}
