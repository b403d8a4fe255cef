import { describe, expect, it } from 'vitest';
import { importGraph, root } from '../support/import-graph.js';

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
