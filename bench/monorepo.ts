/**
 * Synthetic GitOps monorepo for the benchmarks: ImageStreams with scheduled tags, multi-document
 * workload files (Deployments, StatefulSets, CronJobs, with Services and ConfigMaps in between),
 * comments and mixed quoting, and a fraction of the workloads pinned through the
 * `image.openshift.io/triggers` annotation. Pure and deterministic (seeded), so the smoke test
 * can check its shape and two runs of the bench see the same repository.
 */

export interface MonorepoOptions {
  /** `host:port` of the registry the ImageStreams import from. */
  readonly registryHost: string;
  /** Workload files (each a multi-document YAML file). */
  readonly files: number;
  /** Workload documents spread over those files. */
  readonly workloads: number;
  readonly streams: number;
  readonly tagsPerStream: number;
  /** One workload in `triggerEvery` carries a trigger annotation. */
  readonly triggerEvery: number;
  /** ImageStreams per namespace (namespaces = streams / this). */
  readonly streamsPerNamespace: number;
  readonly seed: number;
}

export const DEFAULT_MONOREPO: Omit<MonorepoOptions, 'registryHost'> = {
  files: 2000,
  workloads: 10_000,
  streams: 500,
  tagsPerStream: 4,
  triggerEvery: 5,
  streamsPerNamespace: 10,
  seed: 1,
};

/** One scheduled tag of one ImageStream, and the registry repository it imports from. */
export interface BenchTag {
  readonly namespace: string;
  readonly stream: string;
  readonly tag: string;
  /** Repository path in the registry (`team-00/svc-000`). */
  readonly repository: string;
  /** `host:port/repository:tag` as written in the ImageStream. */
  readonly from: string;
}

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'CronJob';

export interface GeneratedMonorepo {
  /** Repo-relative path -> file text. */
  readonly files: ReadonlyMap<string, string>;
  readonly tags: readonly BenchTag[];
  readonly counts: {
    readonly workloadFiles: number;
    readonly streamFiles: number;
    readonly otherFiles: number;
    readonly workloads: Readonly<Record<WorkloadKind, number>>;
    readonly otherDocuments: number;
    readonly triggered: number;
    readonly namespaces: number;
  };
}

const TAG_NAMES = ['1.0', '1.1', 'stable', 'latest', '2.0', '2.1', 'canary', 'edge'];
const SIDECARS = ['registry.bench.test/mesh/proxy:1.21.3', 'registry.bench.test/observability/agent:7.4'];

/** mulberry32: small seeded PRNG, enough for layout choices. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, w = 3): string => String(n).padStart(w, '0');

/** Tag name for index i (beyond the list: `3.<i>`). */
export function tagName(i: number): string {
  return TAG_NAMES[i] ?? `3.${i}`;
}

/** Documents per file: exact total, varied per file (1 .. 2*avg-1) by moving counts between pairs. */
function documentCounts(files: number, total: number, rnd: () => number): number[] {
  const base = Math.floor(total / files);
  const counts = Array.from({ length: files }, (_, i) => base + (i < total % files ? 1 : 0));
  for (let i = 0; i + 1 < files; i += 2) {
    const a = counts[i]!;
    const shift = Math.floor(rnd() * a);
    counts[i] = a - shift;
    counts[i + 1] = counts[i + 1]! + shift;
  }
  return counts;
}

function imageStreamYaml(namespace: string, name: string, tags: readonly BenchTag[], i: number): string {
  const lines = [
    `# ImageStream for ${name} (owned by ${namespace}); tags are imported on a schedule.`,
    'apiVersion: image.openshift.io/v1',
    'kind: ImageStream',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    '  labels:',
    `    app.kubernetes.io/part-of: ${namespace}`,
    'spec:',
    '  lookupPolicy:',
    '    local: false',
    '  tags:',
  ];
  for (const t of tags) {
    const quoted = /^[0-9.]+$/.test(t.tag) ? `"${t.tag}"` : t.tag;
    lines.push(
      `  - name: ${quoted}`,
      '    from:',
      '      kind: DockerImage',
      `      name: ${i % 3 === 0 ? `"${t.from}"` : t.from}`,
      '    importPolicy:',
      '      scheduled: true',
      '    referencePolicy:',
      '      type: Source',
    );
  }
  return `${lines.join('\n')}\n`;
}

interface WorkloadSpec {
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
  readonly trigger?: BenchTag | undefined;
  readonly sidecar?: string | undefined;
  readonly plainImage: string;
}

function containerLines(w: WorkloadSpec, indent: string): string[] {
  const image = w.trigger ? `${w.trigger.from}` : w.plainImage;
  const out = [
    `${indent}containers:`,
    `${indent}- name: app`,
    `${indent}  image: ${image}   # kept current by Tagstream when triggered`,
    `${indent}  imagePullPolicy: IfNotPresent`,
    `${indent}  env:`,
    `${indent}  - name: LOG_LEVEL`,
    `${indent}    value: "info"`,
    `${indent}  - name: GOMAXPROCS`,
    `${indent}    value: "2"`,
    `${indent}  resources:`,
    `${indent}    requests: {cpu: 100m, memory: 128Mi}`,
    `${indent}    limits:`,
    `${indent}      memory: 256Mi`,
  ];
  if (w.sidecar) out.push(`${indent}- name: sidecar`, `${indent}  image: '${w.sidecar}'`, `${indent}  args: ["--port=15001", "--log=json"]`);
  return out;
}

function triggerAnnotation(w: WorkloadSpec): string[] {
  if (!w.trigger) return [];
  const prefix = w.kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec';
  const json = `[{"from":{"kind":"ImageStreamTag","name":"${w.trigger.stream}:${w.trigger.tag}"},"fieldPath":"${prefix}.containers[?(@.name==\\"app\\")].image"}]`;
  return ['  annotations:', `    image.openshift.io/triggers: '${json}'`];
}

function workloadYaml(w: WorkloadSpec): string {
  const head = [
    w.kind === 'CronJob' ? 'apiVersion: batch/v1' : 'apiVersion: apps/v1',
    `kind: ${w.kind}`,
    'metadata:',
    `  name: ${w.name}`,
    `  namespace: ${w.namespace}`,
    '  labels:',
    `    app: ${w.name}`,
    ...triggerAnnotation(w),
  ];
  if (w.kind === 'CronJob') {
    return [
      ...head,
      'spec:',
      '  schedule: "17 3 * * *"   # nightly, off the hour',
      '  concurrencyPolicy: Forbid',
      '  jobTemplate:',
      '    spec:',
      '      template:',
      '        spec:',
      '          restartPolicy: OnFailure',
      ...containerLines(w, '          '),
    ].join('\n');
  }
  return [
    ...head,
    'spec:',
    `  replicas: ${w.kind === 'StatefulSet' ? 3 : 2}`,
    ...(w.kind === 'StatefulSet' ? [`  serviceName: ${w.name}`] : []),
    '  selector:',
    `    matchLabels: {app: ${w.name}}`,
    '  template:',
    '    metadata:',
    `      labels: {app: ${w.name}}`,
    '    spec:',
    ...containerLines(w, '      '),
  ].join('\n');
}

function serviceYaml(namespace: string, name: string): string {
  return [
    '# Service in front of the workload above',
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'spec:',
    `  selector: {app: ${name}}`,
    '  ports:',
    '  - port: 8080',
    '    targetPort: 8080',
  ].join('\n');
}

/** Generate the monorepo (no I/O). */
export function generateMonorepo(options: MonorepoOptions): GeneratedMonorepo {
  const rnd = prng(options.seed);
  const files = new Map<string, string>();
  const namespaces = Math.max(1, Math.ceil(options.streams / options.streamsPerNamespace));
  const nsName = (n: number) => `team-${pad(n, 2)}`;

  // ImageStreams and their tags, grouped by namespace.
  const tags: BenchTag[] = [];
  const tagsByNs = new Map<string, BenchTag[]>();
  for (let s = 0; s < options.streams; s++) {
    const namespace = nsName(Math.floor(s / options.streamsPerNamespace));
    const stream = `svc-${pad(s)}`;
    const repository = `${namespace}/${stream}`;
    const own: BenchTag[] = [];
    for (let t = 0; t < options.tagsPerStream; t++) {
      const tag = tagName(t);
      own.push({ namespace, stream, tag, repository, from: `${options.registryHost}/${repository}:${tag}` });
    }
    tags.push(...own);
    tagsByNs.set(namespace, [...(tagsByNs.get(namespace) ?? []), ...own]);
    files.set(`imagestreams/${namespace}/${stream}.yaml`, imageStreamYaml(namespace, stream, own, s));
  }

  // Workload files, spread evenly over namespaces; triggers point at tags of the file's namespace.
  const counts = documentCounts(options.files, options.workloads, rnd);
  const kinds: Record<WorkloadKind, number> = { Deployment: 0, StatefulSet: 0, CronJob: 0 };
  const triggeredPerNs = new Map<string, number>();
  let workloadIndex = 0;
  let triggered = 0;
  let otherDocuments = 0;
  for (let f = 0; f < options.files; f++) {
    const namespace = nsName(f % namespaces);
    const nsTags = tagsByNs.get(namespace) ?? [];
    const docs: string[] = [`# ${namespace}: component group ${pad(f, 4)}\n# Generated by bench/monorepo.ts; edit freely, Tagstream keeps bytes it does not own.`];
    for (let d = 0; d < counts[f]!; d++) {
      const r = rnd();
      const kind: WorkloadKind = r < 0.6 ? 'Deployment' : r < 0.85 ? 'StatefulSet' : 'CronJob';
      kinds[kind]++;
      const name = `c${pad(f, 4)}-${kind === 'CronJob' ? 'job' : kind === 'StatefulSet' ? 'db' : 'web'}-${d}`;
      let trigger: BenchTag | undefined;
      if (workloadIndex % options.triggerEvery === 0 && nsTags.length > 0) {
        const k = triggeredPerNs.get(namespace) ?? 0;
        trigger = nsTags[k % nsTags.length];
        triggeredPerNs.set(namespace, k + 1);
        triggered++;
      }
      workloadIndex++;
      const spec: WorkloadSpec = {
        kind,
        namespace,
        name,
        trigger,
        sidecar: rnd() < 0.3 ? SIDECARS[Math.floor(rnd() * SIDECARS.length)] : undefined,
        plainImage: `registry.bench.test/${namespace}/${name}:1.${f % 7}.${d}`,
      };
      docs.push(workloadYaml(spec));
      if (kind !== 'CronJob' && rnd() < 0.25) {
        docs.push(serviceYaml(namespace, name));
        otherDocuments++;
      }
    }
    files.set(`apps/${namespace}/group-${pad(f, 4)}.yaml`, `${docs.join('\n---\n')}\n`);
  }

  // Files every real repository has, which the inventory must list and skip cheaply.
  files.set('.tagstream.yaml', '# Tagstream settings (bench monorepo)\nexclude:\n  - docs/**\n');
  files.set('README.md', '# Bench monorepo\n\nGenerated by Tagstream `npm run bench`.\n');
  files.set('docs/runbook.yaml', '# not a manifest\nsteps: [page, fix, write-up]\n');
  files.set('apps/kustomization.yaml', 'resources: []\n');
  return {
    files,
    tags,
    counts: {
      workloadFiles: options.files,
      streamFiles: options.streams,
      otherFiles: 4,
      workloads: kinds,
      otherDocuments,
      triggered,
      namespaces,
    },
  };
}
