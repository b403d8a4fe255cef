/**
 * What a newcomer reads after a typo: the compiler's own message, captured
 * by compiling a small program with the TypeScript API. A misspelled
 * pattern or type must produce an error that lists the valid ones (and
 * TypeScript's "Did you mean …?" where it offers one), never
 * `parameter of type 'never'` nor the whole expanded event map.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const entry = resolve(__dirname, '../../src/index.js').replaceAll('\\', '/');

const program = `
import { createBus } from '${entry}';
type AppEvents = {
  'order.created': { id: string; total: number };
  'order.cancelled': { id: string; reason: string };
  'page.response': { url: string; status: number };
  'app.ready': void;
};
const bus = createBus<AppEvents>();
bus.events$('ordr.*');
bus.on('order.creatd', () => undefined);
bus.publish('order.crated', { id: '1', total: 1 });
void bus.waitFor('page.respnse');
`;

let dir: string;
let messages: Map<number, string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rxbus-type-errors-'));
  const file = join(dir, 'typos.ts');
  writeFileSync(file, program);
  const compiled = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    typeRoots: [resolve(__dirname, '../../node_modules/@types')],
    skipLibCheck: true,
  });
  const source = compiled.getSourceFile(file)!;
  messages = new Map();
  for (const diagnostic of ts.getPreEmitDiagnostics(compiled, source)) {
    const { line } = source.getLineAndCharacterOfPosition(diagnostic.start!);
    messages.set(line + 1, ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
  }
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('type errors for typos', () => {
  it('reports exactly the four typos and nothing else', () => {
    expect([...messages.keys()]).toEqual([10, 11, 12, 13]);
  });

  it("a misspelled pattern in events$ lists the valid patterns instead of 'never'", () => {
    const message = messages.get(10)!;
    expect(message).not.toContain("'never'");
    expect(message).toContain(`Argument of type '"ordr.*"' is not assignable to parameter of type`);
    expect(message).toContain('"order.*"');
    expect(message).toContain('"order.created"');
  });

  it('a misspelled type in on lists the event types and patterns', () => {
    const message = messages.get(11)!;
    expect(message).not.toContain("'never'");
    expect(message).toContain('"order.created"');
    expect(message).toContain('"page.response"');
  });

  it('a misspelled publish type lists the type names, not the expanded event map', () => {
    const message = messages.get(12)!;
    expect(message).toContain(`Argument of type '"order.crated"' is not assignable to parameter of type`);
    expect(message).toContain('"order.created"');
    expect(message).not.toContain('total: number');
    expect(message).not.toContain('PublicEvents');
  });

  it('a misspelled waitFor pattern suggests the right one', () => {
    const message = messages.get(13)!;
    expect(message).toContain('"page.response"');
    expect(message).not.toContain("'never'");
  });
});
