/**
 * Validation of incoming payloads with Standard Schema validators (zod,
 * valibot, arktype…: anything with a `~standard.validate`), one per event
 * type, keeping the order of each type's messages.
 *
 * A validator may answer synchronously or with a promise. Messages of one
 * type leave the gate in the order they entered it, even when a later one
 * validates faster: while a type has a validation in flight, its next
 * messages wait behind it (per type, so a slow type never holds up others).
 * Types without a validator pass straight through, with no allocation.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { describeCause } from '../render-value.js';
import { thenOf } from '../thenable.js';

export type { StandardSchemaV1 } from '@standard-schema/spec';

/** The outcome of one validation: the (possibly transformed) value, or why it failed. */
export type Verdict =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string; readonly cause?: unknown };

interface Waiting {
  verdict: Verdict | undefined;
  readonly done: (verdict: Verdict) => void;
}

/**
 * Per-type validators with per-type ordering.
 *
 * @example
 * ```ts
 * const gate = new SchemaGate({ 'order.created': z.object({ id: z.string() }) });
 * gate.check('order.created', payload, (verdict) => verdict.ok ? publish(verdict.value) : report(verdict.reason));
 * ```
 */
export class SchemaGate {
  readonly #schemas: ReadonlyMap<string, StandardSchemaV1>;
  readonly #queues = new Map<string, Waiting[]>();

  constructor(schemas: Readonly<Record<string, StandardSchemaV1>> | undefined) {
    const map = new Map<string, StandardSchemaV1>();
    if (schemas !== undefined) {
      if (schemas === null || typeof schemas !== 'object')
        throw new TypeError(`Expected 'schema' to be an object of event type → Standard Schema validator.`);
      for (const type of Object.keys(schemas)) {
        const schema = schemas[type];
        if (schema === null || typeof schema !== 'object' || typeof (schema as StandardSchemaV1)['~standard']?.validate !== 'function') {
          throw new TypeError(
            `Expected 'schema.${type}' to be a Standard Schema validator (zod, valibot, arktype…: an object with '~standard.validate'), got ${schema === null ? 'null' : typeof schema}.`,
          );
        }
        map.set(type, schema);
      }
    }
    this.#schemas = map;
  }

  /** Validations in flight or waiting, all types together. */
  get pending(): number {
    let n = 0;
    for (const queue of this.#queues.values()) n += queue.length;
    return n;
  }

  /** Validates `payload` of `type` and calls `done` with the verdict, in arrival order per type (maybe synchronously). */
  check(type: string, payload: unknown, done: (verdict: Verdict) => void): void {
    const schema = this.#schemas.get(type);
    if (schema === undefined) {
      done({ ok: true, value: payload });
      return;
    }
    let result: StandardSchemaV1.Result<unknown> | Promise<StandardSchemaV1.Result<unknown>>;
    try {
      result = schema['~standard'].validate(payload);
    } catch (cause) {
      this.#settle(type, { verdict: undefined, done }, { ok: false, reason: `the validator threw: ${describeCause(cause)}`, cause });
      return;
    }
    const waiting: Waiting = { verdict: undefined, done };
    if (!isThenable(result)) {
      this.#settle(type, waiting, verdictOf(result));
      return;
    }
    let queue = this.#queues.get(type);
    if (queue === undefined) this.#queues.set(type, (queue = []));
    queue.push(waiting);
    Promise.resolve(result).then(
      (r) => this.#resolved(type, waiting, verdictOf(r)),
      (cause: unknown) => this.#resolved(type, waiting, { ok: false, reason: `the validator rejected: ${describeCause(cause)}`, cause }),
    );
  }

  /** A synchronous verdict: out now, unless earlier messages of the type still wait. */
  #settle(type: string, waiting: Waiting, verdict: Verdict): void {
    const queue = this.#queues.get(type);
    if (queue === undefined) {
      waiting.done(verdict);
      return;
    }
    waiting.verdict = verdict;
    queue.push(waiting);
  }

  #resolved(type: string, waiting: Waiting, verdict: Verdict): void {
    waiting.verdict = verdict;
    const queue = this.#queues.get(type);
    if (queue === undefined) return;
    // Release the head of the line while it is decided.
    while (queue.length > 0 && queue[0]!.verdict !== undefined) {
      const head = queue.shift()!;
      head.done(head.verdict!);
    }
    if (queue.length === 0 && this.#queues.get(type) === queue) this.#queues.delete(type);
  }
}

function isThenable(value: unknown): value is PromiseLike<StandardSchemaV1.Result<unknown>> {
  return thenOf(value) !== undefined;
}

function verdictOf(result: StandardSchemaV1.Result<unknown>): Verdict {
  if (result === null || typeof result !== 'object') return { ok: false, reason: 'the validator returned no result' };
  if (result.issues === undefined) return { ok: true, value: result.value };
  const issues = Array.from(result.issues.slice(0, 3), (issue) => {
    const path = issue.path?.map((p) => String(typeof p === 'object' && p !== null ? p.key : p)).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  const more = result.issues.length > 3 ? ` (and ${result.issues.length - 3} more)` : '';
  return { ok: false, reason: `schema validation failed: ${issues.join('; ')}${more}` };
}
