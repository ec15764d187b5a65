/**
 * The baseline: resolving tags with `skopeo inspect --format '{{.Digest}}'`, one process per tag
 * (what a shell script around skopeo does), one at a time or `parallel` at a time.
 */
import { spawn, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { eachLimit } from './seed-registry.js';

export const SKOPEO_BIN = 'skopeo';

/** Whether skopeo is on PATH. */
export function hasSkopeo(): boolean {
  return spawnSync(SKOPEO_BIN, ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface SkopeoTiming {
  readonly tags: number;
  readonly parallel: number;
  readonly wallMs: number;
  readonly failures: number;
  readonly firstError?: string | undefined;
  /** Digest per reference (checked against Tagstream's answers). */
  readonly digests: ReadonlyMap<string, string>;
}

function inspect(ref: string): Promise<{ digest?: string; error?: string }> {
  return new Promise((resolve) => {
    const child = spawn(SKOPEO_BIN, ['inspect', '--tls-verify=false', '--format', '{{.Digest}}', `docker://${ref}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.once('error', (e) => resolve({ error: e.message }));
    child.once('close', (code) => resolve(code === 0 ? { digest: out.trim() } : { error: err.trim() || `exit ${code}` }));
  });
}

/** Resolve `refs` with skopeo, `parallel` processes at a time. */
export async function timeSkopeo(refs: readonly string[], parallel: number): Promise<SkopeoTiming> {
  const digests = new Map<string, string>();
  let failures = 0;
  let firstError: string | undefined;
  const start = performance.now();
  await eachLimit(refs, parallel, async (ref) => {
    const r = await inspect(ref);
    if (r.digest) digests.set(ref, r.digest);
    else {
      failures++;
      firstError ??= r.error;
    }
  });
  return { tags: refs.length, parallel, wallMs: performance.now() - start, failures, firstError, digests };
}

/** An evenly spread sample of `n` items (all of them when n >= length). */
export function sample<T>(items: readonly T[], n: number): T[] {
  if (n >= items.length) return [...items];
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)]!);
}
