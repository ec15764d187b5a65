/**
 * Shared helpers of the corpus property tests: where the shared corpus is (relative to the repo,
 * `../shared/corpus`), which files it holds, and where the container images of workloads are.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodePath } from '../../../src/edit/edit.js';
import { valueAt } from '../../../src/domain/plain-value.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CORPUS = resolve(repoRoot, '../shared/corpus');
export const HAS_CORPUS = existsSync(CORPUS);

/** Every .yaml/.yml/.json file of the corpus (sorted, absolute). */
export function corpusFiles(): string[] {
  if (!HAS_CORPUS) return [];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/i.test(name)) out.push(p);
    }
  };
  walk(CORPUS);
  return out;
}

const POD_SPEC_PATHS: Record<string, NodePath> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  DeploymentConfig: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** Paths of every string container/initContainer `image` of the workloads in a document value. */
export function imagePaths(value: unknown, base: NodePath = []): NodePath[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const obj = value as Record<string, unknown>;
  const out: NodePath[] = [];
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  if ((kind === 'List' || kind.endsWith('List')) && Array.isArray(obj.items)) {
    obj.items.forEach((item, i) => out.push(...imagePaths(item, [...base, 'items', i])));
  }
  if (kind === 'Template' && Array.isArray(obj.objects)) {
    obj.objects.forEach((item, i) => out.push(...imagePaths(item, [...base, 'objects', i])));
  }
  const specPath = POD_SPEC_PATHS[kind];
  if (specPath) {
    for (const list of ['initContainers', 'containers']) {
      const containers = valueAt(obj, [...specPath, list]);
      if (!Array.isArray(containers)) continue;
      containers.forEach((c, i) => {
        if (c && typeof c === 'object' && typeof (c as Record<string, unknown>).image === 'string') {
          out.push([...base, ...specPath, list, i, 'image']);
        }
      });
    }
  }
  return out;
}

export { valueAt };
