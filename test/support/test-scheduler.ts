/**
 * The RxJS `TestScheduler` the marble tests share: it compares frames with
 * vitest's deep equality, so a failing marble shows a readable diff.
 */
import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';

/** A `TestScheduler` that asserts marbles with `expect(actual).toEqual(expected)`. */
export function createTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}
