// Golden repository trees for reconcile (test/fixtures/reconcile) against two real docker-registry
// processes on 127.0.0.1 (a source and the local registry of referencePolicy Local) and the real
// registry client: the same bytes as with the in-memory registry (test/unit/app/reconcile-golden.test.ts).
// Registries are stopped by PID in afterAll.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createRegistryClient } from '../../../src/adapters/registry/index.js';
import { caseNames, runReconcileCase } from '../../golden/reconcile-golden.js';
import { pushImage, startRegistry, type TestRegistry } from '../../harness/registry.js';

let source: TestRegistry;
let local: TestRegistry;

beforeAll(async () => {
  [source, local] = await Promise.all([startRegistry(), startRegistry()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([source?.stop(), local?.stop()]);
});

describe('reconcile golden trees (real docker-registry)', () => {
  it.each(caseNames())('%s', async (name) => {
    const client = createRegistryClient();
    try {
      // each case pushes to its own repositories, so cases do not see each other's tags
      await runReconcileCase(name, {
        port: client,
        source: source.host,
        local: local.host,
        push: async (repo, tag, image) => void (await pushImage(source, repo, tag, image)),
      });
    } finally {
      await client.close();
    }
  });
});
