// The Workspace contract against the directory adapter on temp dirs (the fake: test/unit/contracts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { directoryWorkspace } from '../../../src/adapters/fs/directory-workspace.js';
import { workspaceContract } from '../../contracts/workspace.contract.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

workspaceContract('directory on disk', async (files) => {
  const dir = mkdtempSync(join(tmpdir(), 'tagstream-ws-contract-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return directoryWorkspace(dir);
});
