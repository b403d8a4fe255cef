/**
 * How the test DSL shows what a bus published when an expectation fails —
 * the "Expected / Received" block of `expectEvent` errors and of the vitest
 * matchers, in the manner of Playwright's locator errors: what was wanted,
 * then the events of that pattern that did arrive (near misses), each on one
 * line with a truncated payload, then what else was published meanwhile.
 */
import { describeValue } from '../render-value.js';
import type { BusEvent } from '../event-map.js';
import type { CompiledPattern } from '../pattern.js';

/** How many events of the pattern a message lists (the most recent ones). */
const LISTED_EVENTS = 10;
/** How many other event types the "also published" line names. */
const LISTED_OTHER_TYPES = 5;
/** Longest payload rendering on an event line. */
const PAYLOAD_WIDTH = 100;

/**
 * One event on one line: id, time, type and a truncated payload.
 *
 * @example
 * ```ts
 * describeEvent({ type: 'page.response', payload: { status: 500 }, id: 3, time: 10 });
 * // "#3 at 10 ms page.response { status: 500 }"
 * ```
 */
export function describeEvent(event: BusEvent): string {
  return `#${event.id} at ${event.time} ms ${event.type} ${describeValue(event.payload, PAYLOAD_WIDTH)}`;
}

/**
 * `"a 'page.response' event matching { status: 200 }"`, or without a matcher
 * `"a 'page.response' event"`.
 *
 * @example
 * ```ts
 * describeWanted('order.*', "{ id: '7' }"); // "a 'order.*' event matching { id: '7' }"
 * ```
 */
export function describeWanted(pattern: string, matcher: string, article = 'a'): string {
  return `${article} '${pattern}' event${matcher === 'anything' ? '' : ` matching ${matcher}`}`;
}

/**
 * Indented lines listing `events`, oldest first; when there are more than ten,
 * only the ten most recent, after a line that says how many are left out.
 *
 * @example
 * ```ts
 * listEvents(recorder.events).join('\n');
 * // "  - #1 at 0 ms tick 1\n  - #2 at 5 ms tick 2"
 * ```
 */
export function listEvents(events: readonly BusEvent[]): string[] {
  const shown = events.slice(-LISTED_EVENTS);
  const lines = shown.map((event) => `  - ${describeEvent(event)}`);
  if (events.length > shown.length) lines.unshift(`  … ${events.length - shown.length} earlier event(s) not shown`);
  return lines;
}

/**
 * The "Received" part of a failure: the events of `pattern` among `published`
 * (all said not to match), or that none arrived and which other types did.
 *
 * @example
 * ```ts
 * describeNearMisses(bus.published.events, compilePattern('page.response'));
 * // "Received: 1 'page.response' event, none matching:\n  - #1 at 0 ms page.response { status: 500 }"
 * ```
 */
export function describeNearMisses(published: readonly BusEvent[], pattern: CompiledPattern): string {
  const ofPattern = published.filter((event) => pattern.test(event.type));
  if (ofPattern.length === 0) {
    const others = describeOtherTypes(published);
    return `Received: no '${pattern.source}' event` + (others === undefined ? '' : `\nPublished instead: ${others}`);
  }
  return [`Received: ${countEvents(ofPattern.length, pattern.source)}, none matching:`, ...listEvents(ofPattern)].join('\n');
}

/**
 * `"1 'tick' event"`, `"3 'tick' events"`.
 *
 * @example
 * ```ts
 * countEvents(2, 'order.*'); // "2 'order.*' events"
 * ```
 */
export function countEvents(count: number, pattern: string): string {
  return `${count} '${pattern}' event${count === 1 ? '' : 's'}`;
}

/** `"'page.request' ×2, 'tick' ×1"`: the most frequent types, or undefined when nothing was published. */
function describeOtherTypes(published: readonly BusEvent[]): string | undefined {
  if (published.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const event of published) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  const named = sorted.slice(0, LISTED_OTHER_TYPES).map(([type, count]) => `'${type}' ×${count}`);
  if (sorted.length > LISTED_OTHER_TYPES) named.push(`and ${sorted.length - LISTED_OTHER_TYPES} more type(s)`);
  return named.join(', ');
}
