/** examples/deploy and the Dockerfile agree with the code: settings parse, flags exist, paths match. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { DAEMON_ENV } from '../../../src/adapters/process/v8-tuning.js';
import { parseDaemonSettings } from '../../../src/config/daemon-settings.js';
import { parseRepoSettings } from '../../../src/config/repo-settings.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');

describe('examples/deploy', () => {
  it('tagstream.yaml is a valid .tagstream.yaml', () => {
    const s = parseRepoSettings(read('examples/deploy/tagstream.yaml'), 'examples/deploy/tagstream.yaml');
    expect(s.scheduledImportInterval).toBe(15 * 60_000);
    expect(s.pollInterval).toBe(60_000);
  });

  it('the Deployment arguments are valid serve settings, with a grace period shorter than the pod termination grace', () => {
    const [doc] = parseAllDocuments(read('examples/deploy/deployment.yaml'));
    const dep = doc?.toJS() as { spec: { replicas: number; strategy: { type: string }; template: { spec: { terminationGracePeriodSeconds: number; containers: { args: string[]; env: { name: string; value: string }[] }[] } } } };
    expect(dep.spec.replicas).toBe(1);
    expect(dep.spec.strategy.type).toBe('Recreate');
    const container = dep.spec.template.spec.containers[0];
    const flags: Record<string, string> = {};
    for (const arg of container?.args ?? []) {
      const m = /^--([a-z-]+)=(.*)$/.exec(arg);
      expect(m, arg).not.toBeNull();
      flags[(m?.[1] ?? '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = m?.[2] ?? '';
    }
    const files: Record<string, string> = { '/etc/tagstream/secrets/git-token': 'tok\n', '/etc/tagstream/secrets/webhook-secret': 'sec\n' };
    const s = parseDaemonSettings({ flags, env: {}, readFile: (p) => files[p] ?? '' });
    expect(s.listen).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(s.gitCredentials).toEqual({ token: 'tok' });
    expect(s.webhookSecret).toBe('sec');
    expect(s.gracePeriod / 1000).toBeLessThan(dep.spec.template.spec.terminationGracePeriodSeconds);
  });

  it('the registry snippet posts to the daemon webhook path with a bearer header', () => {
    const [doc] = parseAllDocuments(read('examples/deploy/registry-notifications.yml'));
    const cfg = doc?.toJS() as { notifications: { endpoints: { url: string; headers: Record<string, string[]> }[] } };
    const endpoint = cfg.notifications.endpoints[0];
    expect(new URL(endpoint?.url ?? '').pathname).toBe('/webhooks/registry');
    expect(endpoint?.headers['Authorization']?.[0]).toMatch(/^Bearer /);
  });

  it.each([
    ['aws', 'eks.amazonaws.com/role-arn', /^arn:aws:iam::\d{12}:role\//],
    ['gcp', 'iam.gke.io/gcp-service-account', /^[a-z0-9-]+@[A-Za-z0-9_-]+\.iam\.gserviceaccount\.com$/],
    ['azure', 'azure.workload.identity/client-id', /^[0-9a-f-]{36}$/],
  ])('the %s overlay annotates the daemon\'s service account for workload identity', (cloud, annotation, value) => {
    const base = parseAllDocuments(read('examples/deploy/serviceaccount.yaml'))[0]?.toJS() as { metadata: { name: string; namespace: string } };
    const k = parseAllDocuments(read(`examples/deploy/cloud/${cloud}/kustomization.yaml`))[0]?.toJS() as { resources: string[]; patches: { path: string }[] };
    expect(k.resources).toEqual(['../..']);
    const patches = k.patches.map((p) => parseAllDocuments(read(`examples/deploy/cloud/${cloud}/${p.path}`))[0]?.toJS() as { kind: string; metadata: { name: string; namespace: string; annotations?: Record<string, string> }; spec?: { template: { metadata: { labels: Record<string, string> } } } });
    const sa = patches.find((p) => p.kind === 'ServiceAccount');
    expect(sa?.metadata).toMatchObject({ name: base.metadata.name, namespace: base.metadata.namespace });
    expect(sa?.metadata.annotations?.[annotation]).toMatch(value);
    if (cloud === 'azure') expect(patches.find((p) => p.kind === 'Deployment')?.spec?.template.metadata.labels['azure.workload.identity/use']).toBe('true');
  });

  it('the ServiceMonitor selects the Service and scrapes its named port at /metrics', () => {
    const svc = parseAllDocuments(read('examples/deploy/service.yaml'))[0]?.toJS() as { metadata: { labels: Record<string, string>; namespace: string }; spec: { ports: { name: string }[] } };
    const sm = parseAllDocuments(read('examples/deploy/monitoring/servicemonitor.yaml'))[0]?.toJS() as { kind: string; spec: { selector: { matchLabels: Record<string, string> }; namespaceSelector: { matchNames: string[] }; endpoints: { port: string; path: string }[] } };
    expect(sm.kind).toBe('ServiceMonitor');
    for (const [k, v] of Object.entries(sm.spec.selector.matchLabels)) expect(svc.metadata.labels[k]).toBe(v);
    expect(sm.spec.namespaceSelector.matchNames).toContain(svc.metadata.namespace);
    expect(svc.spec.ports.map((p) => p.name)).toContain(sm.spec.endpoints[0]?.port);
    expect(sm.spec.endpoints[0]?.path).toBe('/metrics');
  });

  it('the Dockerfile runs serve as non-root from a multi-stage build, in the daemon\'s environment', () => {
    const text = read('Dockerfile');
    expect(text).toContain('ENTRYPOINT ["node", "/app/dist/cli/main.js", "serve"]');
    const runtimeEnv = (dockerStages(text).at(-1)?.steps ?? []).filter(([op]) => op === 'ENV').flatMap(([, arg]) => arg.split(/\s+/));
    for (const [name, value] of Object.entries(DAEMON_ENV)) expect(runtimeEnv).toContain(`${name}=${value}`);
    expect(text.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^USER 1000:1000$/m);
    // git + ssh only for the network leg of SSH remotes; nothing else is added to the runtime.
    expect(text.match(/^RUN apk add .*$/gm)).toEqual(['RUN apk add --no-cache git openssh-client']);
  });
});

describe('examples for Git hosts', () => {
  it('the daemon pull-request example uses flags serve accepts', () => {
    const text = read('examples/deploy/pull-requests.md');
    const flags: Record<string, string> = { repoUrl: 'ssh://git@git.example.com/org/gitops.git', dataDir: '/data' };
    for (const m of text.matchAll(/^\s+- --([a-z-]+)(?:=(\S+))?$/gm)) flags[m[1]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = m[2] ?? 'true';
    const s = parseDaemonSettings({ flags, env: { TAGSTREAM_GIT_TOKEN: 't' }, readFile: () => '' });
    expect(s.pullRequest).toEqual({ provider: 'gitea', apiUrl: 'https://git.example.com/api/v1', branchPrefix: 'tagstream/', group: 'all', labels: ['images', 'automated'] });
  });

  it('the GitLab CI example runs reconcile in merge-request mode from a schedule', () => {
    const [doc] = parseAllDocuments(read('examples/gitlab-ci/.gitlab-ci.yml'));
    const job = (doc?.toJS() as { tagstream: { rules: { if: string }[]; script: string[] } }).tagstream;
    expect(job.rules[0]?.if).toContain('"schedule"');
    const cmd = job.script.at(-1) ?? '';
    expect(cmd).toMatch(/reconcile --pull-request --provider gitlab --api-url "\$CI_API_V4_URL"/);
  });

  it('the GitLab CI job empties the image entrypoint and runs a CLI file the Dockerfile puts in the image', () => {
    const [doc] = parseAllDocuments(read('examples/gitlab-ci/.gitlab-ci.yml'));
    const job = (doc?.toJS() as { tagstream: { image: { entrypoint: string[] }; script: string[] } }).tagstream;
    // The runner pipes the script to the container's shell: the image's `node … serve` must not run.
    expect(job.image.entrypoint).toEqual(['']);
    const m = /^node (\/\S+\.js) reconcile /.exec(job.script.at(-1) ?? '');
    expect(m, job.script.at(-1)).not.toBeNull();
    expect(imageFileOrigin(read('Dockerfile'), m?.[1] ?? '')).toBe('src/cli/main.ts');
    // The script's own git commands need the git binary in the runtime stage.
    const runtimeInstalls = dockerStages(read('Dockerfile')).at(-1)?.steps.filter(([op, arg]) => op === 'RUN' && arg.startsWith('apk add ')) ?? [];
    if (job.script.some((line) => line.startsWith('git '))) expect(runtimeInstalls.map(([, arg]) => arg).join(' ')).toMatch(/ git( |$)/);
  });
});

interface DockerStage {
  readonly name: string;
  /** [instruction, arguments] in order, WORKDIR included. */
  readonly steps: (readonly [string, string])[];
}

/** The Dockerfile's stages (continuation lines joined, comments dropped). */
function dockerStages(text: string): DockerStage[] {
  const stages: DockerStage[] = [];
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const line of lines) {
    const m = /^([A-Z]+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const op = m[1]!;
    const arg = m[2]!.trim();
    if (op === 'FROM') stages.push({ name: /\bAS\s+(\S+)/i.exec(arg)?.[1] ?? String(stages.length), steps: [] });
    else stages.at(-1)?.steps.push([op, arg]);
  }
  return stages;
}

const under = (dir: string, path: string) => (path.startsWith('/') ? path : `${dir.replace(/\/$/, '')}/${path.replace(/^\.\//, '')}`);

/**
 * Where a file of the final image comes from, read statically from the Dockerfile: a
 * `COPY --from=<stage>` of the runtime stage, then, in that stage, the output of
 * `tsc -p <tsconfig>` (outDir <- rootDir) for a source file that is copied in and exists here.
 * Returns the repository path of that source, or a sentence saying why there is none.
 */
function imageFileOrigin(dockerfile: string, imagePath: string): string {
  const stages = dockerStages(dockerfile);
  const runtime = stages.at(-1);
  if (!runtime) return 'no FROM';
  let workdir = '/';
  for (const [op, arg] of runtime.steps) {
    if (op === 'WORKDIR') workdir = under(workdir, arg);
    const copy = op === 'COPY' ? /^--from=(\S+)\s+(\S+)\s+(\S+)$/.exec(arg) : null;
    if (!copy) continue;
    const dest = under(workdir, copy[3]!);
    if (!imagePath.startsWith(`${dest}/`)) continue;
    const build = stages.find((s) => s.name === copy[1]);
    if (!build) return `no stage ${copy[1]}`;
    const wantedRel = imagePath.slice(dest.length);
    let dir = '/';
    const copied: string[] = [];
    for (const [bop, barg] of build.steps) {
      if (bop === 'WORKDIR') dir = under(dir, barg);
      if (bop === 'COPY' && !barg.startsWith('--')) {
        const parts = barg.split(/\s+/);
        const to = under(dir, parts.at(-1)!);
        for (const from of parts.slice(0, -1)) copied.push(to.endsWith('/') ? `${to}${from}` : to);
      }
      const tsc = bop === 'RUN' ? /\btsc -p (\S+)/.exec(barg) : null;
      if (!tsc) continue;
      const wanted = `${under(dir, copy[2]!)}${wantedRel}`;
      const config = JSON.parse(read(tsc[1]!)) as { compilerOptions: { rootDir: string; outDir: string } };
      const outDir = under(dir, config.compilerOptions.outDir);
      if (!wanted.startsWith(`${outDir}/`) || !wanted.endsWith('.js')) continue;
      const source = `${config.compilerOptions.rootDir}/${wanted.slice(outDir.length + 1).replace(/\.js$/, '.ts')}`;
      const inStage = under(dir, source);
      if (!copied.some((c) => inStage === c || inStage.startsWith(`${c}/`))) return `${source} is not copied into stage ${build.name}`;
      return existsSync(`${root}${source}`) ? source : `${source} does not exist`;
    }
    return `nothing in stage ${build.name} builds ${imagePath}`;
  }
  return `no COPY puts ${imagePath} in the image`;
}
