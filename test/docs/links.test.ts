/**
 * The links of README.md and docs/ must work where users read them: in a
 * clone and in the installed package (node_modules/rxbus/). Every relative
 * link must name a file that exists and that package.json "files" ships, and
 * an #anchor must name a heading of its target. docs/api/ is generated
 * (`npm run docs`, and before publishing), so links into it are checked only
 * for their place in the tarball.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot as root } from '../support/built-package.js';
import { markdownFiles } from './samples.js';

const shipped: string[] = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).files;

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (heading)
      anchors.add(
        heading[1]!
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{N}\s_-]/gu, '')
          .replace(/\s/g, '-'),
      );
  }
  return anchors;
}

/** Relative Markdown links `[text](target)` outside code, with their line. */
function linksOf(markdown: string): Array<{ line: number; target: string }> {
  const links: Array<{ line: number; target: string }> = [];
  let fenced = false;
  markdown.split('\n').forEach((text, i) => {
    if (/^\s*```/.test(text)) fenced = !fenced;
    if (fenced) return;
    for (const match of text.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1]!;
      if (!/^[a-z]+:/i.test(target)) links.push({ line: i + 1, target });
    }
  });
  return links;
}

const isShipped = (path: string) => shipped.some((entry) => path === entry || path.startsWith(`${entry}/`));

describe('links in README.md and docs/', () => {
  const broken: string[] = [];
  for (const file of markdownFiles(root)) {
    for (const { line, target } of linksOf(readFileSync(join(root, file), 'utf8'))) {
      const [path = '', anchor] = target.split('#');
      const resolved = path === '' ? file : normalize(join(dirname(file), path));
      const where = `${file}:${line} → ${target}`;
      if (!isShipped(resolved) && resolved !== 'package.json') broken.push(`${where}: ${resolved} is not in package.json "files"`);
      if (resolved.startsWith('docs/api')) continue;
      if (!existsSync(join(root, resolved))) broken.push(`${where}: ${resolved} does not exist`);
      else if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(readFileSync(join(root, resolved), 'utf8')).has(anchor)) {
        broken.push(`${where}: no heading #${anchor} in ${resolved}`);
      }
    }
  }

  it('point at files that exist, ship in the package, and have the named heading', () => {
    expect(broken).toEqual([]);
  });

  it('link README.md to every guide in docs/', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const guides = markdownFiles(root).filter((f) => /^docs\/[^/]+\.md$/.test(f));
    expect(guides.filter((guide) => !readme.includes(`](${guide})`))).toEqual([]);
  });
});
