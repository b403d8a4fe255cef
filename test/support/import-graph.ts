/**
 * Which modules an entry loads: every file reached through static and
 * dynamic imports (type-only imports load nothing), and the packages it
 * imports statically or on demand. Entry isolation tests check with it that
 * an entry loads no broker or framework code it does not need.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Every module a source file reaches through its static and dynamic imports. */
export function importGraph(entry: string): { files: Set<string>; packages: Set<string>; onDemand: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const onDemand = new Set<string>();
  const todo = [resolve(root, entry)];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:^|\n)\s*(?:import|export)\s(?:type\s)?[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)(?!\.)/g)) {
      const spec = (match[1] ?? match[2])!;
      // Type-only imports load nothing at run time.
      if (/^\s*(?:import|export)\s+type\s/.test(match[0].trimStart())) continue;
      if (spec.startsWith('.')) todo.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else (match[2] === undefined ? packages : onDemand).add(spec);
    }
  }
  return { files, packages, onDemand };
}
