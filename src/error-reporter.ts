/**
 * Where handler failures go: `bus.errors$` when someone listens, else the
 * `onError` option, else RxJS's `config.onUnhandledError`, else the console.
 * Never a crash, never silence, and never a throw back into the code that
 * reported it (a throwing `onError` is itself reported as unhandled).
 */
import { config, Subject, type Observable } from 'rxjs';
import type { HandlerError } from './errors.js';

/**
 * The failure channel of one bus.
 *
 * @example
 * ```ts
 * const reporter = new ErrorReporter(options.onError);
 * reporter.errors$.subscribe((err) => log.error(err));
 * reporter.report(new HandlerError({ event, handler: 'audit', cause }));
 * ```
 */
export class ErrorReporter {
  readonly #subject = new Subject<HandlerError>();
  readonly #onError: ((error: HandlerError) => void) | undefined;
  readonly errors$: Observable<HandlerError> = this.#subject.asObservable();

  constructor(onError: ((error: HandlerError) => void) | undefined) {
    this.#onError = onError;
  }

  report(error: HandlerError): void {
    if (this.#subject.observed) {
      this.#subject.next(error);
      return;
    }
    if (this.#onError !== undefined) {
      try {
        this.#onError(error);
      } catch (thrown) {
        reportUnhandled(thrown);
      }
      return;
    }
    reportUnhandled(error);
  }

  /** Completes `errors$` (the bus closed). */
  complete(): void {
    this.#subject.complete();
  }
}

/** Last resort for a failure nobody observes: RxJS's hook when set, else the console. */
function reportUnhandled(error: unknown): void {
  try {
    if (config.onUnhandledError !== null) {
      config.onUnhandledError(error);
      return;
    }
    // eslint-disable-next-line no-console
    console.error(error);
  } catch {
    // A hook or console that throws must not turn a reported failure into a crash of the publisher.
  }
}
