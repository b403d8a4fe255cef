/**
 * The library's modules form no import cycle: a reader can start at any file
 * and reach only files that do not lead back to it. Type-only imports count.
 */
import { describe, expect, it } from 'vitest';
import { importCycles, moduleGraph } from './support/import-graph.js';

describe('import graph', () => {
  it('has no cycle among the modules of src/ and operators/', () => {
    const graph = moduleGraph(['src', 'operators']);
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get('src/bus.ts')).toContain('src/pool.ts');
    expect(importCycles(graph)).toEqual([]);
  });

  it('reports each cycle once, with every module in it, and a module that imports itself', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'd.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['e.ts']],
      ['e.ts', []],
      ['f.ts', ['f.ts', 'a.ts']],
    ]);
    expect(importCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['f.ts']]);
  });
});
