// Lists import cycles between src/ modules (type-only imports included); exits 1 when any exists.
// Usage: node scripts/check-cycles.mjs [SRC_DIR]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const root = process.argv[2] ?? join(dirname(new URL(import.meta.url).pathname), '..', 'src');
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts')) files.push(p);
  }
})(root);
const graph = new Map();
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  const deps = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'(\.[^']+)'/g)) {
    deps.push(normalize(join(dirname(f), m[1].replace(/\.js$/, '.ts'))));
  }
  graph.set(f, deps.filter((d) => graph.has(d) || files.includes(d)));
}
const cycles = [];
const state = new Map();
const stack = [];
function visit(n) {
  state.set(n, 1);
  stack.push(n);
  for (const d of graph.get(n) ?? []) {
    if (state.get(d) === 1) cycles.push([...stack.slice(stack.indexOf(d)), d].map((x) => relative(root, x)));
    else if (!state.has(d)) visit(d);
  }
  stack.pop();
  state.set(n, 2);
}
for (const f of files) if (!state.has(f)) visit(f);
for (const c of cycles) console.log(`cycle: ${c.join(' -> ')}`);
console.log(`${files.length} modules, ${cycles.length} import cycle(s)`);
process.exit(cycles.length > 0 ? 1 : 0);
