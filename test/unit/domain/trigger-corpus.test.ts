/**
 * Real-world trigger annotations and DeploymentConfig triggers from the shared corpus
 * (`../shared/corpus/triggers`, byte-exact copies of public repositories, see its SOURCES.md).
 * Skips cleanly when the shared folder is absent.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseFieldPath } from '../../../src/domain/field-path.js';
import { podSpecFieldPath } from '../../../src/domain/pod-spec.js';
import { parseTriggerAnnotation, TRIGGER_ANNOTATION } from '../../../src/domain/trigger.js';
import { readDeploymentConfigTriggers } from '../../../src/planning/dc-triggers.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CORPUS = resolve(repoRoot, '../shared/corpus/triggers');
const HAS_CORPUS = existsSync(CORPUS);

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? files(p) : /\.(ya?ml|json)$/i.test(name) ? [p] : [];
    });
}

interface Found {
  readonly file: string;
  readonly kind: string;
  readonly object: Record<string, unknown>;
}

/** Every object of a document, including Template objects and List items. */
function objects(value: unknown, file: string, out: Found[] = []): Found[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return out;
  const obj = value as Record<string, unknown>;
  const kind = typeof obj['kind'] === 'string' ? obj['kind'] : '';
  out.push({ file, kind, object: obj });
  for (const key of ['objects', 'items']) {
    const list = obj[key];
    if (Array.isArray(list)) list.forEach((item) => objects(item, file, out));
  }
  return out;
}

function corpusObjects(): Found[] {
  if (!HAS_CORPUS) return [];
  return files(CORPUS).flatMap((path) => {
    const file = relative(CORPUS, path);
    return parseAllDocuments(readFileSync(path, 'utf8')).flatMap((doc) => objects(doc.toJS(), file));
  });
}

function annotation(o: Found): string | undefined {
  const meta = o.object['metadata'] as Record<string, unknown> | undefined;
  const a = meta?.['annotations'] as Record<string, unknown> | undefined;
  const v = a?.[TRIGGER_ANNOTATION];
  return typeof v === 'string' ? v : undefined;
}

describe.skipIf(!HAS_CORPUS)('trigger annotations of the corpus', () => {
  const all = corpusObjects();
  const annotated = all.filter((o) => annotation(o) !== undefined);
  const dcs = all.filter((o) => o.kind === 'DeploymentConfig');

  it('finds real input to test', () => {
    expect(annotated.length).toBeGreaterThanOrEqual(10);
    expect(dcs.length).toBeGreaterThanOrEqual(10);
  });

  it('parses every annotation, or reports it with a reason', () => {
    const outcomes = annotated.map((o) => {
      const r = parseTriggerAnnotation(annotation(o) ?? '', { file: o.file });
      return r.ok ? { file: o.file, ok: true as const, n: r.triggers.length } : { file: o.file, ok: false as const, reason: r.error.message };
    });
    for (const bad of outcomes.filter((x) => !x.ok)) expect(bad.reason).toMatch(/invalid image\.openshift\.io\/triggers annotation: .+/);
    // All the corpus annotations are valid OpenShift input.
    expect(outcomes.filter((x) => !x.ok)).toEqual([]);
    expect(outcomes.every((x) => x.ok && x.n >= 1)).toBe(true);
  });

  it('every corpus fieldPath is a container image path of its kind', () => {
    for (const o of annotated) {
      const r = parseTriggerAnnotation(annotation(o) ?? '');
      if (!r.ok) continue;
      const specPath = podSpecFieldPath(o.kind);
      expect(specPath, `${o.file}: ${o.kind}`).toBeDefined();
      for (const t of r.triggers) {
        expect(parseFieldPath(t.fieldPath, specPath ?? '').kind, `${o.file}: ${t.fieldPath}`).toBe('container');
      }
    }
  });

  it('reads every DeploymentConfig trigger list', () => {
    let imageTriggers = 0;
    for (const o of dcs) {
      const dc = readDeploymentConfigTriggers(o.object);
      // Template parameters (`${NAME}:latest`) are not valid stream names until processed.
      const real = dc.problems.filter((p) => !p.includes('${'));
      expect(real, o.file).toEqual([]);
      imageTriggers += dc.imageChange.length;
    }
    expect(imageTriggers).toBeGreaterThanOrEqual(10);
  });
});
