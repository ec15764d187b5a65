/**
 * applyTriggers on real annotated workloads from the shared corpus (`../shared/corpus/triggers`,
 * byte-exact copies of public repositories, see its SOURCES.md). Skips when the folder is absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { parseTriggerAnnotation, TRIGGER_ANNOTATION } from '../../../src/domain/trigger.js';
import { splitStreamTag } from '../../../src/domain/stream-tag-name.js';
import { applyTriggers, type TriggerWorkload } from '../../../src/planning/apply-triggers.js';
import { D1, index, stream } from './apply-triggers.fixtures.js';

const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus/triggers');
const HAS_CORPUS = existsSync(CORPUS);

function annotatedWorkloads(): { file: string; workload: TriggerWorkload }[] {
  const out: { file: string; workload: TriggerWorkload }[] = [];
  const visit = (value: unknown, file: string): void => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    const obj = value as Record<string, unknown>;
    for (const key of ['objects', 'items']) {
      const list = obj[key];
      if (Array.isArray(list)) list.forEach((item) => visit(item, file));
    }
    const meta = obj['metadata'] as { name?: string; namespace?: string; annotations?: Record<string, unknown> } | undefined;
    if (typeof meta?.annotations?.[TRIGGER_ANNOTATION] !== 'string') return;
    out.push({ file, workload: { kind: String(obj['kind']), name: meta.name ?? '', namespace: meta.namespace ?? 'ns', object: obj } });
  };
  for (const dir of readdirSync(CORPUS).sort()) {
    for (const name of readdirSync(join(CORPUS, dir)).sort()) {
      for (const doc of parseAllDocuments(readFileSync(join(CORPUS, dir, name), 'utf8'))) visit(doc.toJS(), `${dir}/${name}`);
    }
  }
  return out;
}

describe.skipIf(!HAS_CORPUS)('applyTriggers on corpus workloads', () => {
  it('fills the " " placeholder of the origin extended test deployment', () => {
    const file = join(CORPUS, 'openshift__openshift-tests/test__extended__testdata__image__deployment-with-annotation-trigger.yaml');
    const object = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const streams = index(stream('test-ns', 'test', [{ tag: 'v1', items: [[`quay.io/x/test@${D1}`, D1]] }]));
    const plan = applyTriggers({ kind: 'Deployment', name: 'test', namespace: 'test-ns', object }, streams);
    expect(plan.errors).toEqual([]);
    expect(plan.changes).toEqual([
      { path: ['spec', 'template', 'spec', 'containers', 0, 'image'], from: ' ', to: `quay.io/x/test@${D1}`, trigger: 'test-ns/test:v1', reason: 'initial', container: 'test' },
    ]);
  });

  it('resolves every corpus trigger to an existing container once its tag has an image', () => {
    const all = annotatedWorkloads();
    expect(all.length).toBeGreaterThanOrEqual(10);
    for (const { file, workload } of all) {
      const parsed = parseTriggerAnnotation(String((workload.object['metadata'] as { annotations: Record<string, string> }).annotations[TRIGGER_ANNOTATION]));
      if (!parsed.ok) throw parsed.error;
      // A stream for every trigger source, so each trigger resolves.
      const streams = index(
        ...parsed.triggers.map((t) => {
          const st = splitStreamTag(t.from.name);
          return stream(t.from.namespace || workload.namespace, st?.stream ?? '', [{ tag: st?.tag ?? 'latest', items: [[`quay.io/x/y@${D1}`, D1]] }]);
        }),
      );
      const plan = applyTriggers(workload, streams);
      expect(plan.errors.map((e) => e.message), file).toEqual([]);
      expect(plan.changes.length, file).toBeGreaterThanOrEqual(1);
      expect(plan.changes.every((c) => c.to === `quay.io/x/y@${D1}`), file).toBe(true);
    }
  });
});
