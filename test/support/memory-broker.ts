/**
 * An in-memory broker for the transport seam's tests: NATS subject rules
 * (`*`, `>`), queue groups (round robin), request/reply with "no responders",
 * asynchronous delivery (a microtask later, like a socket). It is also the
 * proof that a broker adapter is a small file over src/transport/bridge.ts.
 */
import { NoResponderError } from '../../src/errors.js';
import type { BrokerLink, LinkContext } from '../../src/transport/bridge.js';
import { minimalPatterns, NATS_WILDCARDS, natsCovers } from '../../src/transport/topics.js';

interface Sub {
  readonly pattern: string;
  readonly queue: string | undefined;
  readonly deliver: (topic: string, data: string, reply?: (data: string) => void) => void;
}

/** NATS subject matching. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

export class MemoryBroker {
  readonly subs = new Set<Sub>();
  readonly published: Array<{ topic: string; data: string }> = [];
  #turn = 0;
  /** The context of the last link made (tests that drive an ingress by hand). */
  lastContext: LinkContext | undefined;

  /** Publishes raw bytes, as any client could. */
  publish(topic: string, data: string, reply?: (data: string) => void): number {
    this.published.push({ topic, data });
    const queues = new Map<string, Sub[]>();
    const targets: Sub[] = [];
    for (const sub of this.subs) {
      if (!subjectMatches(sub.pattern, topic)) continue;
      if (sub.queue === undefined) targets.push(sub);
      else queues.set(sub.queue, [...(queues.get(sub.queue) ?? []), sub]);
    }
    for (const members of queues.values()) targets.push(members[this.#turn++ % members.length]!);
    for (const sub of targets) queueMicrotask(() => sub.deliver(topic, data, reply));
    return targets.length;
  }

  subscribe(pattern: string, queue: string | undefined, deliver: Sub['deliver']): () => void {
    const sub: Sub = { pattern, queue, deliver };
    this.subs.add(sub);
    return () => this.subs.delete(sub);
  }

  /** A broker link for one bridge. */
  link(context: LinkContext): BrokerLink {
    this.lastContext = context;
    const stops: Array<() => void> = [];
    return {
      send: (topic, data) => {
        this.publish(topic, data);
      },
      sendRequest: (topic, data, _timeout, type) =>
        new Promise((resolve, reject) => {
          if (this.publish(topic, data, resolve) === 0) reject(new NoResponderError(type));
        }),
      serve: (topic, handle) =>
        this.subscribe(topic, context.options.group ?? 'rxbus', (_t, data, reply) => handle(data, (answer) => reply?.(answer))),
      startInput: async () => {
        const mapped = context.subscribe.patterns.map((p) => context.eventTopics.pattern(p.source, NATS_WILDCARDS));
        for (const { topic } of minimalPatterns(mapped, natsCovers)) {
          stops.push(this.subscribe(topic, context.options.group, (t, data) => context.ingress.receive({ topic: t, data, attempt: 1 })));
        }
      },
      stopInput: async () => {
        for (const stop of stops.splice(0)) stop();
      },
      close: async () => undefined,
    };
  }
}
