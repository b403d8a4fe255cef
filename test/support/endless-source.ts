/**
 * A synchronous source that emits 0, 1, 2, … until its subscriber is closed,
 * like `range(0, Infinity)` or a `while (!subscriber.closed)` loop, for tests
 * that prove an operator stops its source as soon as it is done with it.
 */
import { Observable } from 'rxjs';

/**
 * Emission cap: a source that is never stopped ends here, so that a
 * regression fails the test (it pulled 100 000 values) instead of hanging
 * the run, which a synchronous loop would do whatever the test timeout.
 */
export const ENDLESS_CAP = 100_000;

/** An endless synchronous source and how many values it has emitted. */
export function endlessSource(): { readonly source: Observable<number>; pulled(): number } {
  let pulled = 0;
  const source = new Observable<number>((subscriber) => {
    for (let i = 0; !subscriber.closed && i < ENDLESS_CAP; i++) {
      pulled++;
      subscriber.next(i);
    }
  });
  return { source, pulled: () => pulled };
}
