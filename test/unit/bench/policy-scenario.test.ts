import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generatePolicyRepo } from '../../../bench/policy-scenario.js';
import { parseTagPolicy, selectTag } from '../../../src/domain/tag-policy.js';

describe('bench policy repository', () => {
  it('has one stream per repository with valid policies whose winners exist in the seeded tags', () => {
    const repo = generatePolicyRepo('127.0.0.1:5000', 3);
    expect(repo.files.size).toBe(3);
    expect(repo.policyTags).toBe(6);
    for (const text of repo.files.values()) {
      const stream = parse(text);
      const remote = repo.tags.filter((t) => t.stream === stream.metadata.name).map((t) => t.tag);
      const winners = stream.spec.tags.map((t: { annotations: Record<string, string> }) => selectTag(parseTagPolicy(t.annotations['tagstream.io/tag-policy']!), remote));
      expect(winners).toEqual(['1.2.0', 'build-10']);
    }
  });
});
