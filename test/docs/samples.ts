/**
 * The code samples of README.md and docs/*.md, read the way the docs test
 * (samples.test.ts) needs them. The info string of a fenced block says what a
 * sample promises:
 *
 * - ```` ```ts ````          type-checked against the built package and run with node;
 *                            it must exit 0 on its own, offline, within a few seconds.
 * - ```` ```ts no-run ````   type-checked only (it needs a broker, a browser, a
 *                            framework application, a test runner, or never ends).
 * - ```` ```ts fragment ```` neither: a partial snippet that is not a program.
 *
 * Any other word after `ts` is an error, so a typo in a marker cannot quietly
 * turn a sample off. Samples are compiled as a user's strict `nodenext` project
 * with decorators as NestJS and Angular apps use them (`experimentalDecorators`,
 * `emitDecoratorMetadata`), each sample a module of its own.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export type SampleMode = 'run' | 'no-run' | 'fragment';

export interface Sample {
  /** Markdown file, relative to the repository root (`docs/waiting.md`). */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly mode: SampleMode;
  /** The code between the fences, without the fences. */
  readonly code: string;
}

const markers: Record<string, SampleMode> = { '': 'run', 'no-run': 'no-run', fragment: 'fragment' };

/** README.md, then every Markdown file under docs/ (sorted, so names are stable). */
export function markdownFiles(root: string): string[] {
  const found: string[] = [join(root, 'README.md')];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      // docs/api/ is generated from the doc comments; its samples are the
      // @example blocks, type-checked where they live (the sources).
      if (entry.isDirectory() && entry.name !== 'api') walk(path);
      else if (entry.isFile() && entry.name.endsWith('.md')) found.push(path);
    }
  };
  walk(join(root, 'docs'));
  return found.map((path) => relative(root, path));
}

/** Every ```` ```ts ```` block of one Markdown text. Throws on an unknown marker or an unclosed fence. */
export function extractSamples(file: string, text: string): Sample[] {
  const lines = text.split('\n');
  const samples: Sample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(\S*)\s*(.*?)\s*$/.exec(lines[i]!);
    if (open === null) continue;
    const [, indent, fence, language, info] = open as unknown as [string, string, string, string, string];
    const end = lines.findIndex((l, j) => j > i && l.trim() === fence);
    if (end === -1) throw new Error(`${file}:${i + 1}: the code fence opened here is never closed`);
    if (language === 'ts' || language === 'typescript') {
      const mode = markers[info];
      if (mode === undefined) {
        throw new Error(`${file}:${i + 1}: unknown sample marker "${info}" (use \`\`\`ts, \`\`\`ts no-run or \`\`\`ts fragment)`);
      }
      const body = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l));
      samples.push({ file, line: i + 1, mode, code: body.join('\n') + '\n' });
    }
    i = end;
  }
  return samples;
}

/** All samples of the repository at `root`, in file order. */
export function collectSamples(root: string): Sample[] {
  return markdownFiles(root).flatMap((file) => extractSamples(file, readFileSync(join(root, file), 'utf8')));
}

/** A file name for a sample that says where it came from: `docs-waiting.md-L42.ts`. */
export function sampleFileName(sample: Sample): string {
  return `${sample.file.replace(/[\\/]/g, '-')}-L${sample.line}.ts`;
}
