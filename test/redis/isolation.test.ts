import { describe, expect, it } from 'vitest';
import { importGraph, root } from '../support/import-graph.js';

describe('rxbus/redis isolation', () => {
  it.each(['src/index.ts', 'operators/index.ts', 'src/testing/index.ts', 'src/nats/index.ts'])('%s loads no Redis code', (entry) => {
    const { files, packages, onDemand } = importGraph(entry);
    expect([...packages, ...onDemand].filter((p) => p.includes('redis'))).toEqual([]);
    expect([...files].filter((f) => f.includes(`${root}/src/redis/`))).toEqual([]);
  });

  it('rxbus/redis loads no client at all: it calls the connection it is given', () => {
    const { packages, onDemand } = importGraph('src/redis/index.ts');
    expect([...packages].sort()).toEqual(['rxjs']);
    expect([...onDemand]).toEqual([]);
  });
});
