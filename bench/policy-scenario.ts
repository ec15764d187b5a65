/**
 * The tag-policy economy (issue #15): a small repository whose ImageStream tags follow tag policies
 * (`semver:^1`, `numerical:^build-(\d+)$`), one registry repository per stream. After a first
 * reconcile, a no-change run should cost one tags/list page per repository plus one HEAD per
 * policy tag, and no GET.
 */
import type { BenchTag, GeneratedMonorepo } from './monorepo.js';

/** Registry repositories (one stream each, two policy tags per stream). */
export const POLICY_REPOSITORIES = 8;
const REMOTE_TAGS = ['1.0.0', '1.1.0', '1.2.0', '2.0.0', 'build-9', 'build-10'];
const POLICIES: readonly { tag: string; policy: string; follows: string }[] = [
  { tag: 'stable', policy: 'semver:^1', follows: '1.2.0' },
  { tag: 'nightly', policy: 'numerical:^build-(\\d+)$', follows: 'build-10' },
];

export interface PolicyRepo extends Pick<GeneratedMonorepo, 'files' | 'tags'> {
  readonly repositories: number;
  readonly policyTags: number;
}

/** The stream files and every remote tag to seed. */
export function generatePolicyRepo(registryHost: string, repositories = POLICY_REPOSITORIES): PolicyRepo {
  const files = new Map<string, string>();
  const tags: BenchTag[] = [];
  for (let i = 0; i < repositories; i++) {
    const name = `policy-${String(i).padStart(2, '0')}`;
    const repository = `policy/${name}`;
    const specTags = POLICIES.map(
      (p) => `  - name: ${p.tag}\n    from:\n      kind: DockerImage\n      name: ${registryHost}/${repository}:1.0.0\n    annotations:\n      tagstream.io/tag-policy: '${p.policy}'\n    importPolicy:\n      scheduled: true\n`,
    ).join('');
    files.set(`imagestreams/${name}.yaml`, `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: ${name}\n  namespace: bench-policy\nspec:\n  tags:\n${specTags}`);
    for (const tag of REMOTE_TAGS) tags.push({ namespace: 'bench-policy', stream: name, tag, repository, from: `${registryHost}/${repository}:${tag}` });
  }
  return { files, tags, repositories, policyTags: repositories * POLICIES.length };
}
