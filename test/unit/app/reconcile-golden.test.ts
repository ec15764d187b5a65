// Golden repository trees for reconcile (test/fixtures/reconcile, see test/golden/reconcile-golden.ts)
// with registry answers from the in-memory registry; then a second run over the result writes nothing.
// The same cases run against real docker-registry processes in test/integration/app/reconcile-golden.test.ts.
import { describe, expect, it } from 'vitest';
import { caseNames, runReconcileCase, UPDATE_GOLDEN } from '../../golden/reconcile-golden.js';
import { MemoryRegistry } from '../../fakes/memory-registry.js';

const SOURCE = 'registry.fake.test:5000';
const LOCAL = 'local.fake.test:5000';

describe('reconcile golden trees (in-memory registry)', () => {
  it('covers the cases #11.7 asks for', () => {
    expect(caseNames()).toEqual(expect.arrayContaining(['first-pin', 'no-change', 'scheduled-reimport', 'tracking-tag', 'revert-hold', 'local-policy', 'targets', 'bad-file']));
  });

  it.each(caseNames())('%s', async (name) => {
    const registry = new MemoryRegistry();
    await runReconcileCase(
      name,
      { port: registry, source: SOURCE, local: LOCAL, push: async (repo, tag, image) => registry.push(`${SOURCE}/${repo}`, tag, image) },
      { update: UPDATE_GOLDEN },
    );
  });
});
