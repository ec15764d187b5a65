import { describe, expect, it } from 'vitest';
import { isTagstreamError, type TagstreamError } from '../../../src/errors.js';
import { memoryWorkspace } from '../../fakes/memory-workspace.js';
import { DEFAULT_SOURCE_LIMITS } from '../../../src/edit/source-file.js';
import {
  DEFAULT_REPO_SETTINGS,
  loadRepoSettings,
  parseRepoSettings,
  SETTING_FIELDS,
  SETTINGS_DOC,
} from '../../../src/config/repo-settings.js';
import { REPO_SETTINGS_SCHEMA } from '../../../src/config/repo-settings-schema.js';

function failure(text: string): TagstreamError {
  try {
    parseRepoSettings(text);
  } catch (e) {
    if (isTagstreamError(e)) return e;
    throw e;
  }
  throw new Error('expected parseRepoSettings to throw');
}

describe('loadRepoSettings', () => {
  it('returns frozen defaults when .tagstream.yaml is absent', async () => {
    const s = await loadRepoSettings(memoryWorkspace({}));
    expect(s).toBe(DEFAULT_REPO_SETTINGS);
    expect(s).toMatchObject({
      imageStreamPath: 'imagestreams/{namespace}/{name}.yaml',
      platform: 'linux/amd64',
      scheduledImportInterval: 900_000,
      maxBulkImport: 50,
      defaultNamespace: undefined,
    });
    expect(Object.isFrozen(s.limits)).toBe(true);
    expect(Object.isFrozen(s.registries.mirrors)).toBe(true);
  });

  it('reads every key', async () => {
    const text = [
      'include: ["deploy/**"]',
      'exclude: ["deploy/tmp/**"]',
      'defaultNamespace: team-a',
      'imageStreamPath: streams/{name}.yml',
      'localRegistry: registry.local:5000/mirror',
      'platform: linux/arm64/v8',
      'scheduledImportInterval: 1h30m',
      'maxBulkImport: 10',
      'limits: {maxFileBytes: 1000, maxAliasCount: 5}',
      'registries:',
      '  insecure: ["127.0.0.1:5000"]',
      '  mirrors:',
      '  - {source: docker.io/library, mirror: mirror.example.com/library}',
      'git: {authorName: Bot, authorEmail: bot@example.com, branch: release/1.0}',
      'pollInterval: 30s',
    ].join('\n');
    const s = await loadRepoSettings(memoryWorkspace({ '.tagstream.yaml': text }));
    expect(s).toEqual({
      include: ['deploy/**'],
      exclude: ['deploy/tmp/**'],
      defaultNamespace: 'team-a',
      imageStreamPath: 'streams/{name}.yml',
      localRegistry: 'registry.local:5000/mirror',
      platform: 'linux/arm64/v8',
      scheduledImportInterval: 5_400_000,
      maxBulkImport: 10,
      limits: { maxFileBytes: 1000, maxAliasCount: 5 },
      registries: { insecure: ['127.0.0.1:5000'], mirrors: [{ source: 'docker.io/library', mirror: 'mirror.example.com/library' }] },
      git: { authorName: 'Bot', authorEmail: 'bot@example.com', branch: 'release/1.0' },
      pollInterval: 30_000,
      targets: [],
    });
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.include)).toBe(true);
  });

  it('default limits are the parser defaults of source-file.ts', () => {
    expect(DEFAULT_REPO_SETTINGS.limits).toEqual({ maxFileBytes: DEFAULT_SOURCE_LIMITS.maxBytes, maxAliasCount: DEFAULT_SOURCE_LIMITS.maxAliasCount });
  });

  it('keeps defaults for keys not given, inside groups too', () => {
    const s = parseRepoSettings('limits:\n  maxAliasCount: 7\n');
    expect(s.limits).toEqual({ maxFileBytes: DEFAULT_REPO_SETTINGS.limits.maxFileBytes, maxAliasCount: 7 });
    expect(s.git).toEqual(DEFAULT_REPO_SETTINGS.git);
  });

  it.each(['', '# only a comment\n', '---\n'])('treats an empty file (%j) as defaults', (text) => {
    expect(parseRepoSettings(text)).toEqual(DEFAULT_REPO_SETTINGS);
  });
});

describe('parseRepoSettings errors name the key, the place and the expectation', () => {
  it.each([
    ['unknown key', 'includes: []\n', /^invalid \.tagstream\.yaml: includes: unknown setting; known keys are defaultNamespace, exclude, .*include.* \(\.tagstream\.yaml:1:1\)$/],
    ['unknown nested key', 'limits:\n  maxBytes: 5\n', /^invalid \.tagstream\.yaml: limits\.maxBytes: unknown setting; known keys in limits are maxAliasCount, maxFileBytes \(\.tagstream\.yaml:2:3\)$/],
    ['interval below the floor', 'scheduledImportInterval: 30s\n', /scheduledImportInterval: must be at least 1m, got 30s \(\.tagstream\.yaml:1:26\)$/],
    ['not a duration', 'pollInterval: 5\n', /pollInterval: expected a duration such as "90s", "15m" or "1h30m" \(\.tagstream\.yaml:1:15\)$/],
    ['poll floor', 'pollInterval: 5s\n', /pollInterval: must be at least 10s, got 5s/],
    ['bad namespace', 'defaultNamespace: Team_A\n', /defaultNamespace: a lowercase RFC 1123 label must consist of/],
    ['path without {name}', 'imageStreamPath: streams/x.yaml\n', /imageStreamPath: must contain the placeholder \{name\}/],
    ['unknown placeholder', 'imageStreamPath: "{ns}/{name}.yaml"\n', /imageStreamPath: unknown placeholder \{ns\}; valid placeholders are \{namespace\}, \{name\}/],
    ['path escaping the repo', 'imageStreamPath: ../{name}.yaml\n', /imageStreamPath: expected a relative path inside the repository/],
    ['registry with scheme', 'localRegistry: https://reg.local\n', /localRegistry: expected host\[:port\]\[\/prefix\] without a scheme, got "https:\/\/reg\.local"/],
    ['bad platform', 'platform: amd64\n', /platform: expected os\/arch\[\/variant\] such as "linux\/amd64", got "amd64"/],
    ['not an integer', 'maxBulkImport: "10"\n', /maxBulkImport: expected an integer \(\.tagstream\.yaml:1:16\)$/],
    ['integer too small', 'maxBulkImport: 0\n', /maxBulkImport: expected an integer >= 1, got 0/],
    ['not a list', 'include: "*.yaml"\n', /include: expected a list \(\.tagstream\.yaml:1:10\)$/],
    ['list item not a string', 'exclude: [1]\n', /exclude\[0\]: expected a string \(\.tagstream\.yaml:1:11\)$/],
    ['absolute glob', 'include: ["/apps/**"]\n', /include\[0\]: globs are relative to the repository root/],
    ['insecure with a path', 'registries:\n  insecure: [reg.local/x]\n', /registries\.insecure\[0\]: expected host\[:port\], got "reg\.local\/x" \(\.tagstream\.yaml:2:14\)$/],
    ['mirror missing a field', 'registries:\n  mirrors:\n  - {source: docker.io}\n', /registries\.mirrors\[0\]\.mirror: Required value \(\.tagstream\.yaml:3:5\)$/],
    ['mirror unknown field', 'registries:\n  mirrors:\n  - {source: docker.io, mirror: m.io, x: 1}\n', /registries\.mirrors\[0\]\.x: unknown setting/],
    ['bad email', 'git: {authorEmail: nobody}\n', /git\.authorEmail: expected an email address, got "nobody"/],
    ['bad branch', 'git: {branch: "a..b"}\n', /git\.branch: expected a git branch name, got "a\.\.b"/],
    ['branch with a hidden component', 'git: {branch: "release/.next"}\n', /git\.branch: expected a git branch name, got "release\/\.next"/],
    ['branch ending in a dot', 'git: {branch: "v1."}\n', /git\.branch: expected a git branch name, got "v1\."/],
    ['group not a map', 'git: main\n', /git: expected a mapping \(\.tagstream\.yaml:1:6\)$/],
    ['not a mapping', '- a\n', /expected a mapping of settings \(\.tagstream\.yaml:1:1\)$/],
    ['invalid YAML', 'include: [a\n', /^invalid \.tagstream\.yaml: invalid YAML: .*\(\.tagstream\.yaml:\d+:\d+\)$/],
    ['duplicate key', 'platform: linux/amd64\nplatform: linux/arm64\n', /invalid YAML: Map keys must be unique/],
  ])('%s', (_name, text, pattern) => {
    const e = failure(text);
    expect(e.code).toBe('Config');
    expect(e.message).toMatch(pattern);
    expect(e.location?.file).toBe('.tagstream.yaml');
  });

  it('lists every problem, each with its own location', () => {
    const e = failure('platform: x\nmaxBulkImport: -1\nnope: 1\n');
    expect(e.message).toBe(
      [
        'invalid .tagstream.yaml: 3 problems:',
        '  - nope: unknown setting; known keys are defaultNamespace, exclude, git, imageStreamPath, include, limits, localRegistry, maxBulkImport, platform, pollInterval, registries, scheduledImportInterval, targets (.tagstream.yaml:3:1)',
        '  - platform: expected os/arch[/variant] such as "linux/amd64", got "x" (.tagstream.yaml:1:11)',
        '  - maxBulkImport: expected an integer >= 1, got -1 (.tagstream.yaml:2:16)',
      ].join('\n') + ' (.tagstream.yaml:3:1)',
    );
  });

  it('never echoes credentials from a registry value', () => {
    const e = failure('localRegistry: https://user:secret@reg.local\n');
    expect(e.message).not.toContain('secret');
  });
});

describe('SETTINGS_DOC', () => {
  it('documents every key the parser accepts, and only those', () => {
    const rows = SETTINGS_DOC.split('\n').slice(2);
    expect(rows).toHaveLength(SETTING_FIELDS.length);
    for (const f of SETTING_FIELDS) expect(SETTINGS_DOC).toContain(`| \`${f.key}\` |`);
    // Every documented leaf is accepted (no unknown-key error) ...
    for (const f of SETTING_FIELDS) {
      const [group, leaf] = f.key.split('.');
      const text = leaf ? `${group}: {${leaf}: null}\n` : `${group}: null\n`;
      expect(() => parseRepoSettings(text)).not.toThrow();
    }
    // ... and the table shows the real defaults.
    expect(SETTINGS_DOC).toContain('| `scheduledImportInterval` | duration | `15m` |');
    expect(SETTINGS_DOC).toContain('| `pollInterval` | duration | `5m` |');
  });
});

describe('REPO_SETTINGS_SCHEMA (zod) and SETTING_FIELDS', () => {
  it('the schema accepts exactly the documented keys', () => {
    const leaves = (shape: Record<string, unknown>, prefix: string): string[] =>
      Object.entries(shape).flatMap(([key, schema]) => {
        let inner = schema as { unwrap?: () => unknown; shape?: Record<string, unknown> };
        while (inner.unwrap && !inner.shape) inner = inner.unwrap() as typeof inner;
        return inner.shape && prefix === '' && key !== 'targets' ? leaves(inner.shape, `${prefix}${key}.`) : [`${prefix}${key}`];
      });
    expect(leaves(REPO_SETTINGS_SCHEMA.shape, '').sort()).toEqual(SETTING_FIELDS.map((f) => f.key).sort());
  });

  it('locates a problem inside a list of mappings at the value, a missing key at its mapping', () => {
    const e = failure('registries:\n  mirrors:\n  - source: docker.io\n    mirror: HTTP://x\n  - {mirror: m.io}\n');
    expect(e.message).toBe(
      [
        'invalid .tagstream.yaml: 2 problems:',
        '  - registries.mirrors[0].mirror: expected host[:port][/path] in lower case, got "HTTP://x" (.tagstream.yaml:4:13)',
        '  - registries.mirrors[1].source: Required value (.tagstream.yaml:5:5)',
      ].join('\n') + ' (.tagstream.yaml:4:13)',
    );
  });
});

describe('targets rules', () => {
  const parse = async (text: string) => (await import('../../../src/config/repo-settings.js')).parseRepoSettings(text);
  it('reads files, from and set with the location of each path', async () => {
    const s = await parse(['targets:', '  - files: "config/*.json"', '    from: shop/web:1', '    set:', '      "$.image.ref": reference', "      \"$.deploy[?(@.name=='web')].digest\": digest", ''].join('\n'));
    expect(s.targets).toEqual([
      {
        files: 'config/*.json',
        from: { namespace: 'shop', stream: 'web', tag: '1' },
        set: [
          { path: '$.image.ref', field: 'reference', location: { file: '.tagstream.yaml', line: 5, col: 7 } },
          { path: "$.deploy[?(@.name=='web')].digest", field: 'digest', location: { file: '.tagstream.yaml', line: 6, col: 7 } },
        ],
        location: { file: '.tagstream.yaml', line: 2, col: 5 },
      },
    ]);
  });

  it.each([
    ['"$.constructor": reference', 5, 10, 'refused JSONPath: the member "constructor" is not allowed'],
    ['"$..[?(@.__proto__)]": reference', 5, 16, 'refused JSONPath: the member "__proto__" is not allowed'],
    ['"$.a[?(@.x.toString())]": reference', 5, 26, 'refused JSONPath: function calls are not allowed'],
    ['"$.a[(@.length-1)]": reference', 5, 12, 'refused JSONPath: script expressions'],
    ['"$.image": sha', 5, 18, 'expected a FIELD: reference, name, tag, digest, tag-digest'],
  ])('%s is refused at .tagstream.yaml:line:col', async (entry, line, col, message) => {
    const text = ['targets:', '  - files: "*.json"', '    from: web:1', '    set:', `      ${entry}`, ''].join('\n');
    const err = await parse(text).then(
      () => undefined,
      (e: unknown) => e as { message: string; location: unknown },
    );
    expect(err?.message).toContain(message);
    expect(err?.message).toContain(`.tagstream.yaml:${line}:${col}`);
  });

  it('from takes no FIELD; files, from and set are required', async () => {
    await expect(parse('targets:\n  - files: "*.json"\n    from: web:1:tag\n    set: {"$.a": tag}\n')).rejects.toThrow(/targets\[0\]\.from: "web:1:tag": expected \[NAMESPACE\/\]STREAM:TAG/);
    await expect(parse('targets:\n  - from: web:1\n')).rejects.toThrow(/targets\[0\]\.files: Required value[\s\S]*targets\[0\]\.set: Required value/);
  });
});
