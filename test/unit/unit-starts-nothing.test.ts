/**
 * #11.7 / "Done when": test/unit starts no process and no server. Anything that spawns, listens or
 * uses the harness's real servers belongs in test/integration or test/e2e. A static check over the
 * sources of test/unit, so a new unit test that starts something fails here with its file:line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const UNIT = fileURLToPath(new URL('.', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What starts a process or a server (the harness files start real registries, git and ssh servers). */
const FORBIDDEN: readonly [RegExp, string][] = [
  [/from ['"]node:child_process['"]|require\(['"](node:)?child_process['"]\)/, 'imports node:child_process'],
  [/from ['"]node:(http|https|net|http2)['"]/, 'imports a node server module'],
  [/from ['"][./]*harness\/(?!corpus-notice|oci-image)[^'"]+['"]/, 'imports a test/harness server'],
  [/\bstartDaemonHttpServer\(|\brunServe\(|\.listen\(/, 'starts a server'],
  [/\b(spawn|execFile|execFileSync|execSync|fork)\(|\{ (spawn|execFile|fork)[ ,}]/, 'spawns a process'],
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** `file:line: why` for each forbidden use in `text`. */
function startsSomething(file: string, text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const [re, why] of FORBIDDEN) if (re.test(line)) out.push(`${file}:${i + 1}: ${why}`);
  });
  return out;
}

describe('test/unit starts nothing', () => {
  it('no unit test source spawns a process, listens or uses a harness server', () => {
    const self = fileURLToPath(import.meta.url);
    const found = sources(UNIT)
      .filter((f) => f !== self)
      .flatMap((f) => startsSomething(relative(ROOT, f), readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });

  it('the check sees what it must refuse', () => {
    expect(startsSomething('x.ts', "import { execFile } from 'node:child_process';")).toEqual(['x.ts:1: imports node:child_process', 'x.ts:1: spawns a process']);
    expect(startsSomething('x.ts', "import { startRegistry } from '../../harness/registry.js';")).toEqual(['x.ts:1: imports a test/harness server']);
    expect(startsSomething('x.ts', "import { corpusNotice } from '../../harness/corpus-notice.js';")).toEqual([]);
    expect(startsSomething('x.ts', 'await startDaemonHttpServer(h, { port: 0 });')).toEqual(['x.ts:1: starts a server']);
    // the server-starting daemon tests that lived here (moved to test/integration/daemon) would fail
    const moved = readFileSync(join(ROOT, 'test/integration/daemon/http-server.test.ts'), 'utf8');
    expect(startsSomething('http-server.test.ts', moved).length).toBeGreaterThan(0);
  });
});
