/** A directory workspace that records what it reads: batched (readFiles), on first use (readFileNow), one by one (readFile). */
import { directoryWorkspace } from '../../src/adapters/fs/directory-workspace.js';
import type { Workspace } from '../../src/ports/workspace.js';

export function countingWorkspace(root: string) {
  const inner = directoryWorkspace(root);
  const reads = { batch: [] as string[], now: [] as string[], single: [] as string[] };
  const ws: Workspace = {
    ...inner,
    async readFiles(paths, maxBytes) {
      reads.batch.push(...paths);
      return inner.readFiles!(paths, maxBytes);
    },
    readFileNow(p, maxBytes) {
      reads.now.push(p);
      return inner.readFileNow!(p, maxBytes);
    },
    async readFile(p) {
      reads.single.push(p);
      return inner.readFile(p);
    },
  };
  return { ws, reads };
}
