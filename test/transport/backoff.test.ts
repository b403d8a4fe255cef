import { describe, expect, it } from 'vitest';
import { doublingDelay, redeliveryBackoff } from '../../src/transport/backoff.js';

describe('doublingDelay', () => {
  it('starts at the first delay, doubles per failed attempt and stops at the ceiling', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => doublingDelay(attempt, 100, 5000))).toEqual([
      100, 200, 400, 800, 1600, 3200, 5000, 5000,
    ]);
  });
});

describe('redeliveryBackoff', () => {
  it('waits 1 s after the first failed delivery, doubling, at most 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 20].map(redeliveryBackoff)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });
});
