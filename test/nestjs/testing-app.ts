/**
 * Nest testing modules for the tests of this folder: compiled, initialised
 * (so the bus's handlers are registered), and closed after each test.
 */
import type { LoggerService, ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { afterEach } from 'vitest';

const open: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()));
});

/** Runs `close` after the current test (for what `startApp` cannot close, such as an app whose init failed). */
export function closeAfterTest(close: () => Promise<unknown>): void {
  open.push(close);
}

/** Compiles and initialises a testing module; it is closed after the test. */
export async function startApp(metadata: ModuleMetadata, logger?: LoggerService): Promise<TestingModule> {
  const builder = Test.createTestingModule(metadata);
  if (logger) builder.setLogger(logger);
  const app = await builder.compile();
  closeAfterTest(() => app.close());
  await app.init();
  return app;
}
