// The GitLab stub's description: a verbatim excerpt of GitLab's openapi_v2.yaml (YAML as copied,
// JSON as parsed from it) and the response-only overrides (test/fixtures/code-hosts/SOURCES.md).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GITLAB_RESPONSE_OVERRIDES, loadGitLabSwagger, withResponseOverrides } from '../../harness/swagger-api.js';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/code-hosts/${name}`, import.meta.url), 'utf8');

function refs(node: unknown, out = new Set<string>()): Set<string> {
  if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.add(v);
      else refs(v, out);
    }
  }
  return out;
}

describe('GitLab openapi_v2 excerpt', () => {
  const doc = loadGitLabSwagger();

  it('the JSON is the YAML excerpt parsed, nothing added', () => {
    expect(doc).toEqual(parse(fixture('gitlab-openapi-v2.excerpt.yaml'), { version: '1.1' }));
  });

  it('has the three merge-request operations the adapter calls and every definition they reach', () => {
    const ops = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => (op as { operationId: string }).operationId));
    expect(ops.sort()).toEqual(['getApiV4ProjectsIdMergeRequests', 'postApiV4ProjectsIdMergeRequests', 'putApiV4ProjectsIdMergeRequestsMergeRequestIid']);
    for (const r of refs(doc)) expect(Object.keys(doc.definitions)).toContain(r.replace('#/definitions/', ''));
  });

  it('each override names a docs page and replaces exactly the schema the description has', () => {
    for (const o of GITLAB_RESPONSE_OVERRIDES) expect(o.docs).toMatch(/^https:\/\/docs\.gitlab\.com\/api\//);
    const patched = withResponseOverrides(doc, GITLAB_RESPONSE_OVERRIDES);
    expect(patched.definitions['API_Entities_MergeRequestBasic']!.properties!['labels']).toEqual({ type: 'array', items: { type: 'string' } });
    expect(doc.definitions['API_Entities_MergeRequestBasic']!.properties!['labels']).toEqual({ type: 'string' });
    expect(() => withResponseOverrides(patched, GITLAB_RESPONSE_OVERRIDES)).toThrow(/response override .*labels/);
  });
});
