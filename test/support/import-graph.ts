/**
 * Which modules an entry loads: every file reached through static and
 * dynamic imports (type-only imports load nothing), and the packages it
 * imports statically or on demand. Entry isolation tests check with it that
 * an entry loads no broker or framework code it does not need.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
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

/**
 * The modules each source file under `dirs` imports from the same tree,
 * type-only imports included: a type cycle still ties two modules together
 * for a reader, even when nothing loads at run time.
 */
export function moduleGraph(dirs: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const todo = dirs.map((dir) => resolve(root, dir));
  while (todo.length > 0) {
    const dir = todo.pop()!;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = resolve(dir, entry.name);
      if (entry.isDirectory()) todo.push(path);
      else if (entry.name.endsWith('.ts')) graph.set(relative(root, path), localImports(path));
    }
  }
  return graph;
}

function localImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of source.matchAll(/(?:^|\n)\s*(?:import|export)\s(?:type\s)?(?:[^'"]*?from\s+)?'([^']+)'|import\('([^']+)'\)/g)) {
    const spec = (match[1] ?? match[2])!;
    if (spec.startsWith('.')) found.push(relative(root, resolve(dirname(file), spec.replace(/\.js$/, '.ts'))));
  }
  return found;
}

/**
 * The import cycles of a module graph: each strongly connected component of
 * more than one module (or a module that imports itself), sorted.
 */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm, iterative so that a deep graph cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const frames: { node: string; edge: number }[] = [{ node: start, edge: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const edges = graph.get(frame.node) ?? [];
      if (frame.edge < edges.length) {
        const to = edges[frame.edge++]!;
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          frames.push({ node: to, edge: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      if (component.length > 1 || edges.includes(frame.node)) cycles.push(component.sort());
    }
  }
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}
