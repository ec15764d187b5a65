/**
 * The physical floor of a no-change reconcile on this machine, measured in the same run as
 * Tagstream itself: read every file of the repository and run the inventory's pre-filter on it
 * (what any tool must do to know which documents matter), then one manifest HEAD per tag with a
 * bare undici Pool per registry (the HTTP work any client must do). CPU-seconds of this process,
 * per phase, so that "our CPU / floor CPU" compares like with like.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { mayHoldIndexedObject, splitDocuments } from '../src/inventory/inventory-prefilter.js';
import { MANIFEST_ACCEPT } from '../src/adapters/registry/media-types.js';

export interface FloorFigures {
  readonly files: number;
  readonly bytes: number;
  /** Documents the pre-filter selects (what must be looked at). */
  readonly selectedDocuments: number;
  readonly readCpuMs: number;
  readonly readWallMs: number;
  readonly heads: number;
  readonly headFailures: number;
  readonly headCpuMs: number;
  readonly headWallMs: number;
}

/** Every file under `dir` except `.git/`, relative paths. */
function walk(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (rel !== '.git') out.push(...walk(dir, rel));
    } else if (e.isFile()) out.push(rel);
  }
  return out;
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** Read + pre-filter every YAML/JSON file of `repo`. */
export function measureRead(repo: string): Pick<FloorFigures, 'files' | 'bytes' | 'selectedDocuments' | 'readCpuMs' | 'readWallMs'> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  let bytes = 0;
  let selectedDocuments = 0;
  const files = walk(repo).filter((p) => /\.(ya?ml|json)$/.test(p));
  for (const p of files) {
    const text = readFileSync(join(repo, p), 'utf8');
    bytes += text.length;
    const slices = splitDocuments(text);
    if (!slices) {
      if (mayHoldIndexedObject(text)) selectedDocuments++;
      continue;
    }
    for (const s of slices) if (mayHoldIndexedObject(text.slice(s.start, s.end))) selectedDocuments++;
  }
  return { files: files.length, bytes, selectedDocuments, readCpuMs: cpuMsSince(cpu), readWallMs: performance.now() - start };
}

/** One HEAD per `host/repository:tag` with one bare Pool per host, `concurrency` in flight per host. */
export async function measureHeads(refs: readonly string[], concurrency: number): Promise<Pick<FloorFigures, 'heads' | 'headFailures' | 'headCpuMs' | 'headWallMs'>> {
  const pools = new Map<string, Pool>();
  const byHost = new Map<string, { path: string }[]>();
  for (const ref of refs) {
    const slash = ref.indexOf('/');
    const host = ref.slice(0, slash);
    const rest = ref.slice(slash + 1);
    const colon = rest.lastIndexOf(':');
    const list = byHost.get(host) ?? [];
    list.push({ path: `/v2/${rest.slice(0, colon)}/manifests/${rest.slice(colon + 1)}` });
    byHost.set(host, list);
  }
  const cpu = process.cpuUsage();
  const start = performance.now();
  let failures = 0;
  await Promise.all(
    [...byHost].map(async ([host, items]) => {
      const pool = new Pool(`http://${host}`, { connections: concurrency });
      pools.set(host, pool);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < items.length) {
          const item = items[next++]!;
          const res = await pool.request({ method: 'HEAD', path: item.path, headers: { accept: MANIFEST_ACCEPT }, reset: false });
          await res.body.dump();
          if (res.statusCode !== 200 || !res.headers['docker-content-digest']) failures++;
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
    }),
  );
  const headCpuMs = cpuMsSince(cpu);
  const headWallMs = performance.now() - start;
  await Promise.all([...pools.values()].map((p) => p.close()));
  return { heads: refs.length, headFailures: failures, headCpuMs, headWallMs };
}
