import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SchemaGate, type Verdict } from '../../src/transport/schema-gate.js';
import { deferred, flush } from '../support/async.js';
import type { StandardSchemaV1 } from '@standard-schema/spec';

/** A Standard Schema validator whose answers the test releases one by one. */
function manualSchema() {
  const answers: Array<ReturnType<typeof deferred<StandardSchemaV1.Result<unknown>>>> = [];
  const schema: StandardSchemaV1 = {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: (value) => {
        const answer = deferred<StandardSchemaV1.Result<unknown>>();
        answers.push(answer);
        return answer.promise.then((r) => ('value' in r ? { value } : r));
      },
    },
  };
  return { schema, answers };
}

describe('SchemaGate', () => {
  it('passes payloads of types without a schema at once', () => {
    const out: Verdict[] = [];
    new SchemaGate(undefined).check('a', 1, (v) => out.push(v));
    expect(out).toEqual([{ ok: true, value: 1 }]);
  });

  it('validates with zod and publishes its transformed value', () => {
    const gate = new SchemaGate({ order: z.object({ total: z.coerce.number() }) });
    const out: Verdict[] = [];
    gate.check('order', { total: '12' }, (v) => out.push(v));
    gate.check('order', { total: 'x' }, (v) => out.push(v));
    expect(out[0]).toEqual({ ok: true, value: { total: 12 } });
    expect(out[1]).toMatchObject({ ok: false, reason: expect.stringMatching(/^schema validation failed: total: /) });
  });

  it('keeps arrival order per type when async validations finish out of order', async () => {
    const { schema, answers } = manualSchema();
    const gate = new SchemaGate({ slow: schema });
    const out: unknown[] = [];
    for (const n of [1, 2, 3]) gate.check('slow', n, (v) => out.push(v.ok ? v.value : 'bad'));
    gate.check('other', 'free', (v) => out.push(v.ok && v.value));
    expect(out).toEqual(['free']);
    answers[2]!.resolve({ value: 3 });
    answers[1]!.resolve({ issues: [{ message: 'no' }] });
    await flush();
    expect(out).toEqual(['free']);
    expect(gate.pending).toBe(3);
    answers[0]!.resolve({ value: 1 });
    await flush();
    expect(out).toEqual(['free', 1, 'bad', 3]);
    expect(gate.pending).toBe(0);
  });

  it('turns a throwing or rejecting validator into a failed verdict', async () => {
    const throwing: StandardSchemaV1 = {
      '~standard': {
        version: 1,
        vendor: 't',
        validate: () => {
          throw new Error('oops');
        },
      },
    };
    const rejecting: StandardSchemaV1 = { '~standard': { version: 1, vendor: 't', validate: () => Promise.reject(new Error('later')) } };
    const gate = new SchemaGate({ a: throwing, b: rejecting });
    const out: Verdict[] = [];
    gate.check('a', 1, (v) => out.push(v));
    gate.check('b', 1, (v) => out.push(v));
    await flush();
    expect(out.map((v) => !v.ok && v.reason)).toEqual([expect.stringMatching(/threw: .*oops/), expect.stringMatching(/rejected: .*later/)]);
  });

  it('refuses a schema entry that is not a Standard Schema validator', () => {
    expect(() => new SchemaGate({ a: {} as StandardSchemaV1 })).toThrow(/schema.a/);
  });
});
