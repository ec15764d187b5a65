// examples/helm and examples/kustomize render after a reconcile, with the real tools: the CLI
// reconciles a copy of each example against the real CNCF registry (a registries.mirrors entry sends
// registry.example.com to it, as `npm run demo` does), then `kubectl kustomize` and `helm template`
// render the result and the rendered Deployment runs the pinned digest. Each tool that is absent (or
// too old for today's kustomization syntax) skips its test with the reason in the test's name.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { captureStream } from '../fakes/capture-stream.js';
import { run } from '../../src/cli/run.js';
import { fixedClock } from '../../src/ports/clock.js';
import { makeImage } from '../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../harness/registry.js';

const EXAMPLES = fileURLToPath(new URL('../../examples', import.meta.url));
/** Where scripts/render-tools.sh puts helm (and kubectl) when the machine has none. */
const TOOLS = fileURLToPath(new URL('../../.tools/bin', import.meta.url));
const toolEnv = (home: string) => ({ ...process.env, HOME: home, PATH: `${process.env['PATH'] ?? ''}:${TOOLS}` });

/** Why a tool cannot render here, or undefined when it can. */
function unavailable(tool: 'kubectl' | 'helm'): string | undefined {
  const args = tool === 'kubectl' ? ['version', '--client'] : ['version', '--short'];
  const r = spawnSync(tool, args, { encoding: 'utf8', env: toolEnv(tmpdir()) });
  if (r.error || r.status !== 0) return `${tool} is not on PATH (bash scripts/render-tools.sh puts it in .tools/bin)`;
  if (tool === 'kubectl') {
    // kubectl before 1.21 embeds kustomize v2.0.3, which cannot load a directory listed in resources:
    // (Debian 12's kubernetes-client is 1.20.2)
    const minor = Number(/v1\.(\d+)\./.exec(r.stdout)?.[1] ?? '0');
    if (minor < 21) return `kubectl ${/v1\.\d+\.\d+/.exec(r.stdout)?.[0] ?? '(unknown version)'} embeds kustomize v2, which cannot load a directory in resources: (needs kubectl >= 1.21)`;
  }
  return undefined;
}

const noKubectl = unavailable('kubectl');
const noHelm = unavailable('helm');
const title = (what: string, reason: string | undefined) => (reason ? `${what} (skipped: ${reason})` : what);

let registry: TestRegistry;
let scratch: string;
let digest: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'tagstream-render-'));
  registry = await startRegistry();
  digest = await pushImage(registry, 'shop/web', '1.4.2', makeImage({ layers: [{ VERSION: '1.4.2\n' }], created: '2026-11-20T10:00:00Z' }));
}, 60_000);

afterAll(async () => {
  await registry?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** A copy of examples/NAME reconciled against the test registry; returns its directory. */
async function reconciled(name: string): Promise<string> {
  const dir = join(scratch, name);
  cpSync(join(EXAMPLES, name), dir, { recursive: true });
  appendFileSync(join(dir, '.tagstream.yaml'), `registries:\n  mirrors:\n  - source: registry.example.com\n    mirror: ${registry.host}\n`);
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await run(['reconcile'], { stdout, stderr, env: { HOME: scratch }, cwd: dir, clock: fixedClock('2026-11-21T06:00:00Z') });
  expect(code, stderr.text()).toBe(0);
  expect(stderr.text()).not.toMatch(/warning|error/);
  return dir;
}

function render(cmd: string, args: readonly string[], cwd: string): Record<string, unknown>[] {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: toolEnv(scratch) });
  expect(r.status, `${cmd} ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as Record<string, unknown>).filter((d) => d !== null);
}

function deploymentImage(docs: readonly Record<string, unknown>[]): string {
  const d = docs.find((x) => x['kind'] === 'Deployment') as { spec: { template: { spec: { containers: { image: string }[] } } } } | undefined;
  expect(d, 'a Deployment is rendered').toBeDefined();
  return d!.spec.template.spec.containers[0]!.image;
}

describe('the examples render after a reconcile (real registry, real kubectl / helm)', () => {
  it.skipIf(noKubectl !== undefined)(title('examples/kustomize: kubectl kustomize overlays/prod runs the pinned digest', noKubectl), async () => {
    const dir = await reconciled('kustomize');
    expect(deploymentImage(render('kubectl', ['kustomize', 'overlays/prod'], dir))).toBe(`registry.example.com/shop/web@${digest}`);
  });

  it.skipIf(noHelm !== undefined)(title('examples/helm: helm template renders the pinned digest from the chart values (Argo CD) and from the HelmRelease values (Flux)', noHelm), async () => {
    const dir = await reconciled('helm');
    // Argo CD: the chart with its own values file
    expect(deploymentImage(render('helm', ['template', 'web', 'charts/web'], dir))).toBe(`registry.example.com/shop/web@${digest}`);
    // Flux: the chart with the HelmRelease's inline values on top
    const release = parse(readFileSync(join(dir, 'flux/helmrelease.yaml'), 'utf8')) as { spec: { values: unknown } };
    writeFileSync(join(dir, 'flux-values.yaml'), JSON.stringify(release.spec.values));
    expect(deploymentImage(render('helm', ['template', 'web', 'charts/web', '-f', 'flux-values.yaml'], dir))).toBe(`registry.example.com/shop/web@${digest}`);
  });
});
