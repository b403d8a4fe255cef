/**
 * pause() / resume() / clear() and per-job timeouts (CONTRACT: What users of
 * the peers reach for; Re-entrancy and robustness), called from steps and
 * from inside every kind of callback: no job starts while a step paused the
 * pool, `'cleared'` drops only after a clear() and as many as it returns,
 * a timed-out job is reported once, when its timeout passed and not before,
 * and keeps its slot until it ends (`stats().overdue`); the pool never
 * exceeds its limits, settled() and close() still end, nothing leaks.
 */
import { describe, it } from 'vitest';
import { checkInterleavings, PROPERTY_TIMEOUT } from './interleavings.js';
import { mix } from './operations.js';

const controls = mix({
  reactions: 0.4,
  poolControls: true,
  weights: {
    on: 6,
    publish: 8,
    emit: 3,
    pause: 3,
    resume: 3,
    clear: 2,
    advance: 5,
    stream: 2,
    watch: 2,
    unsubscribe: 2,
    abort: 1,
    settled: 2,
    track: 1,
    release: 1,
    close: 1,
  },
  only: true,
});

describe('pause, resume, clear and per-job timeouts under random interleavings', () => {
  it(
    'keep queued ≤ capacity and running ≤ concurrency, and never refuse jobs that fit an unpaused pool',
    () => checkInterleavings('capacity', ['capacity'], controls),
    PROPERTY_TIMEOUT,
  );

  it(
    'start no job while paused, and keep per-key and per-handler order',
    () => checkInterleavings('ordering', ['ordering'], controls),
    PROPERTY_TIMEOUT,
  );

  it(
    "run every job once or drop it once ('cleared' only by clear()), and report each timeout once, on time",
    () => checkInterleavings('accounting', ['accounting'], controls),
    PROPERTY_TIMEOUT,
  );

  it(
    'let settled() and close() end, and leave no timer or listener behind',
    () => checkInterleavings('settled', ['settled', 'close', 'closed', 'leaks', 'emitters'], controls),
    PROPERTY_TIMEOUT,
  );
});
