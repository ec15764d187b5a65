// The Git contract against the isomorphic-git adapter with a real `git http-backend` remote on
// 127.0.0.1 (the fake: test/unit/contracts). The server and temp dirs are removed in afterAll.
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createGitAdapter } from '../../../src/adapters/git/isomorphic-git-adapter.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { gitContract } from '../../contracts/git.contract.js';
import { startGitServer, type GitServer } from '../../harness/git-server.js';

let server: GitServer;
let tmp: string;
let n = 0;

beforeAll(async () => {
  server = await startGitServer();
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-git-contract-'));
}, 60_000);

afterAll(async () => {
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

gitContract('isomorphic-git over git http-backend', async (files) => {
  const adapter = createGitAdapter({ clock: fixedClock('2026-11-21T06:00:00Z') });
  const url = await server.createBareRepo(`contract-${++n}.git`, { initialFiles: files });
  return {
    clone: async () => {
      const repo = await adapter.clone({ url, dir: join(tmp, `copy-${++n}`) });
      return {
        repo,
        write: async (path, text) => {
          await mkdir(dirname(join(repo.dir, path)), { recursive: true });
          await writeFile(join(repo.dir, path), text);
        },
        remove: (path) => unlink(join(repo.dir, path)),
      };
    },
  };
});
