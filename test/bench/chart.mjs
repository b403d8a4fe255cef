// Renders a benchmark result file as docs/performance.svg and writes its
// tables into docs/performance.md (between the `bench:results` markers).
//
//   node test/bench/chart.mjs                         # test/bench/results/latest.json
//   node test/bench/chart.mjs test/bench/results/x.json --no-docs   # SVG only
//
// No dependencies: the SVG is written by hand. One panel per scenario, one
// bar per case: the per-round ratio reference ÷ case on a log scale (right of
// the 1× line = better than the reference), median as the bar, min–max as a
// whisker; the measured value itself is printed next to it.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = process.argv.slice(2);
const input = resolve(args.find((a) => !a.startsWith('--')) ?? resolve(here, 'results/latest.json'));
const { meta, scenarios } = JSON.parse(readFileSync(input, 'utf8'));

// ------------------------------------------------------------------ SVG

const W = 960;
const LABEL = 300; // case names
const VALUE = 170; // measured values, right of the bars
const PLOT = W - LABEL - VALUE - 30;
const ROW = 18;
const [LOG_MIN, LOG_MAX] = [-4, 2]; // 0.0001× … 100×
const x = (ratio) => {
  const clamped = Math.min(Math.max(ratio, 10 ** LOG_MIN), 10 ** LOG_MAX);
  return Math.round((LABEL + ((Math.log10(clamped) - LOG_MIN) / (LOG_MAX - LOG_MIN)) * PLOT) * 10) / 10;
};
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function colour(row) {
  if (row.reference) return '#555';
  if (row.name.startsWith('floor')) return '#bbb';
  return row.name.startsWith('rxbus') ? '#1f6feb' : '#9aa4b2';
}

let y = 56;
const parts = [];
for (const s of scenarios) {
  const met = s.targets.filter((t) => t.met).length;
  const verdict = s.targets.length === 0 ? '' : ` — targets met: ${met}/${s.targets.length}`;
  parts.push(`<text x="8" y="${y}" class="h">${esc(s.title)}${esc(verdict)}</text>`);
  y += 8;
  const top = y;
  for (const r of s.rows) {
    const cy = y + ROW / 2;
    parts.push(`<text x="${LABEL - 8}" y="${cy + 4}" class="l" text-anchor="end">${esc(r.name)}</text>`);
    const x0 = x(1);
    const x1 = x(r.ratio.median);
    parts.push(
      `<rect x="${Math.min(x0, x1)}" y="${y + 3}" width="${Math.max(1, Math.round(Math.abs(x1 - x0) * 10) / 10)}" height="${ROW - 6}" fill="${colour(r)}"/>`,
    );
    if (!r.reference) parts.push(`<line x1="${x(r.ratio.min)}" x2="${x(r.ratio.max)}" y1="${cy}" y2="${cy}" class="w"/>`);
    const ratio = r.reference ? 'reference' : `${format(r.ratio.median)}×`;
    parts.push(`<text x="${LABEL + PLOT + 10}" y="${cy + 4}" class="l">${esc(`${format(r.median)} ${s.unit} · ${ratio}`)}</text>`);
    y += ROW;
  }
  parts.push(`<line x1="${x(1)}" x2="${x(1)}" y1="${top}" y2="${y}" class="one"/>`);
  y += 22;
}

const ticks = [];
for (let e = LOG_MIN; e <= LOG_MAX; e++) {
  const label = e >= 0 ? `${10 ** e}×` : `${(10 ** e).toFixed(-e)}×`;
  ticks.push(`<line x1="${x(10 ** e)}" x2="${x(10 ** e)}" y1="40" y2="${y - 16}" class="g"/>`);
  ticks.push(`<text x="${x(10 ** e)}" y="34" class="t" text-anchor="middle">${label}</text>`);
}

const subtitle = `Node ${meta.node} · ${meta.cores} × ${meta.cpu} · ${meta.date.slice(0, 10)} · ${meta.rounds} rounds${meta.quick ? ' (quick)' : ''} · bar: median of per-round reference ÷ case (log scale, right = better), whisker: min–max`;
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y}" viewBox="0 0 ${W} ${y}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">
<style>.h{font-size:13px;font-weight:600;fill:#111}.l{font-size:11px;fill:#222}.t{font-size:10px;fill:#666}.g{stroke:#eee}.one{stroke:#333;stroke-dasharray:3 2}.w{stroke:#111;stroke-width:1}</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="8" y="16" class="t">${esc(subtitle)}</text>
${ticks.join('\n')}
${parts.join('\n')}
</svg>
`;
const svgFile = resolve(root, 'docs/performance.svg');
writeFileSync(svgFile, svg);
process.stdout.write(`wrote ${relative(root, svgFile)}\n`);

// ------------------------------------------------------------------ tables

const range = (min, max) => `${format(min)}–${format(max)}`;
const lines = [];
lines.push(
  `Run of ${meta.date.slice(0, 16).replace('T', ' ')} UTC: Node ${meta.node} (V8 ${meta.v8}), ${meta.platform}, ${meta.cores} × ${meta.cpu}, ` +
    `${meta.memoryGB} GB; load average at start ${meta.loadAverage.join(' / ')}; rxbus ${meta.rxbus} at ${meta.commit ?? '?'}${meta.dirty ? ' with uncommitted changes' : ''}; ` +
    `${meta.rounds} rounds (${meta.heapRounds} for heap)${meta.quick ? ', --quick' : ''}; ${Math.round(meta.seconds)} s in all.`,
  '',
  '| Target | Measured | Met |',
  '| --- | --- | --- |',
);
for (const s of scenarios)
  for (const t of s.targets) lines.push(`| ${t.text} | ${format(t.measured)}${t.unit} | ${t.met ? 'yes' : '**no**'} |`);
for (const s of scenarios) {
  lines.push(
    '',
    `**${s.title}** — reference: ${s.reference}`,
    '',
    `| Case | ${s.unit}, median | min–max | × reference, median | min–max |`,
    '| --- | ---: | ---: | ---: | ---: |',
  );
  for (const r of s.rows) {
    const name = r.name.startsWith('rxbus') ? `**${r.name}**` : r.name;
    const ratio = r.reference ? '(reference)' : `${format(r.ratio.median)}×`;
    lines.push(
      `| ${name} | ${format(r.median)} | ${range(r.min, r.max)} | ${ratio} | ${r.reference ? '' : range(r.ratio.min, r.ratio.max)} |`,
    );
  }
  if (s.note) lines.push('', s.note);
}
const table = lines.join('\n');

if (args.includes('--no-docs')) {
  process.stdout.write(`${table}\n`);
} else {
  const docFile = resolve(root, 'docs/performance.md');
  const START = '<!-- bench:results:start (generated by test/bench/chart.mjs) -->';
  const END = '<!-- bench:results:end -->';
  const doc = readFileSync(docFile, 'utf8');
  const i = doc.indexOf(START);
  const j = doc.indexOf(END);
  if (i < 0 || j < i) throw new Error(`docs/performance.md has no ${START} … ${END} section to fill.`);
  writeFileSync(docFile, `${doc.slice(0, i + START.length)}\n${table}\n${doc.slice(j)}`);
  process.stdout.write(`updated ${relative(root, docFile)}\n`);
}
