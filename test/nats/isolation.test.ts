import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Every module a source file reaches through its static and dynamic imports. */
function importGraph(entry: string): { files: Set<string>; packages: Set<string>; onDemand: Set<string> } {
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

describe('entry isolation', () => {
  it.each(['src/index.ts', 'operators/index.ts', 'src/testing/index.ts'])('%s loads no NATS code', (entry) => {
    const { files, packages, onDemand } = importGraph(entry);
    expect([...packages, ...onDemand].filter((p) => p.startsWith('@nats-io'))).toEqual([]);
    expect([...files].filter((f) => f.includes(`${root}/src/nats/`))).toEqual([]);
  });

  it('rxbus/nats loads the NATS JetStream client only on demand', () => {
    const { packages, onDemand } = importGraph('src/nats/index.ts');
    expect([...packages].sort()).toEqual(['rxjs']);
    expect([...onDemand]).toEqual(['@nats-io/jetstream']);
  });
});
