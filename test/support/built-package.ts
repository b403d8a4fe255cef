/**
 * Tests that check what users get (the doc samples, the browser bundle) read
 * the built package in dist/. npm test builds before vitest runs; run alone,
 * these tests say so instead of checking a stale or missing build.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const repositoryRoot = join(import.meta.dirname, '..', '..');

/** Newest modification time of the .ts files under `dir`. */
function newestSource(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

/** Throws, saying what to run, when dist/ is missing or older than src/ or operators/. */
export function assertFreshBuild(): void {
  let built: number;
  try {
    built = statSync(join(repositoryRoot, 'dist', 'index.d.ts')).mtimeMs;
  } catch {
    throw new Error('dist/ is missing: this test checks the built package. Run `npm run build` first (npm test does).');
  }
  const sources = Math.max(newestSource(join(repositoryRoot, 'src')), newestSource(join(repositoryRoot, 'operators')));
  if (sources > built)
    throw new Error('dist/ is older than the sources: run `npm run build` first (npm test builds before the unit tests).');
}
