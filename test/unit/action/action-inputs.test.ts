import { describe, expect, it } from 'vitest';
import { DEFAULT_COMMIT_AUTHOR, inputEnvName, isValidBranchName, parseActionInputs, parseIdentity } from '../../../src/config/action-inputs.js';
import { UsageError } from '../../../src/errors.js';

/** The environment the runner builds from `with:` (it fills in action.yml defaults itself). */
const env = (inputs: Record<string, string>) => Object.fromEntries(Object.entries(inputs).map(([k, v]) => [inputEnvName(k), v]));

describe('inputEnvName', () => {
  it.each([
    ['path', 'INPUT_PATH'],
    ['base-branch', 'INPUT_BASE-BRANCH'],
    ['registry auth', 'INPUT_REGISTRY_AUTH'],
  ])('%s -> %s', (name, envName) => expect(inputEnvName(name)).toBe(envName));
});

describe('parseActionInputs', () => {
  it('applies the action.yml defaults when inputs are absent', () => {
    expect(parseActionInputs({})).toEqual({
      path: '.',
      mode: 'pull-request',
      token: undefined,
      baseBranch: undefined,
      branchPrefix: 'tagstream/',
      prTitle: '',
      prLabels: [],
      group: 'all',
      registryAuth: undefined,
      commitAuthor: parseIdentity(DEFAULT_COMMIT_AUTHOR),
      failOnError: true,
    });
  });

  it('reads every input, trimming and splitting lists', () => {
    const parsed = parseActionInputs(
      env({
        path: ' deploy ',
        mode: 'commit',
        token: 'ghp_x',
        'base-branch': 'release/1.x',
        'branch-prefix': 'bots/images-',
        'pr-title': 'Images {tags}',
        'pr-labels': 'dependencies, images\nbot\n',
        group: 'tag',
        'registry-auth': '{"auths":{}}',
        'commit-author': 'Image Bot <bot@example.com>',
        'fail-on-error': 'False',
      }),
    );
    expect(parsed).toMatchObject({ path: 'deploy', mode: 'commit', token: 'ghp_x', baseBranch: 'release/1.x', branchPrefix: 'bots/images-', prTitle: 'Images {tags}', prLabels: ['dependencies', 'images', 'bot'], group: 'tag', registryAuth: '{"auths":{}}', commitAuthor: { name: 'Image Bot', email: 'bot@example.com' }, failOnError: false });
    expect(Object.isFrozen(parsed)).toBe(true);
  });

  it.each([
    [{ mode: 'push' }, 'input "mode": expected one of pull-request, commit, dry-run, got "push"'],
    [{ group: 'stream' }, 'input "group": expected one of all, tag, got "stream"'],
    [{ 'fail-on-error': 'yes' }, 'input "fail-on-error": expected true or false, got "yes"'],
    [{ 'commit-author': 'bot@example.com' }, 'input "commit-author": expected "Name <email>", got "bot@example.com"'],
    [{ 'base-branch': 'main..x' }, 'input "base-branch": "main..x" is not a valid git branch name'],
    [{ 'branch-prefix': 'bad prefix/' }, 'input "branch-prefix": "bad prefix/" is not a valid git branch name'],
    [{ 'branch-prefix': '' }, 'input "branch-prefix": "" is not a valid git branch name'],
    [{ 'registry-auth': '{"auths": {"r": {"auth": "c2VjcmV0"}' }, 'input "registry-auth": expected Docker config JSON ({"auths": {...}}); the value is not valid JSON'],
    [{ 'registry-auth': '["x"]' }, 'input "registry-auth": expected a JSON object like {"auths": {...}}'],
  ])('%j is refused', (inputs, message) => {
    let err: unknown;
    try {
      parseActionInputs(env(inputs));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(message);
  });

  it('never echoes a malformed registry-auth secret', () => {
    const secret = '{"auths": {"r": {"auth": "c3VwZXJzZWNyZXQ="}}';
    expect(() => parseActionInputs(env({ 'registry-auth': secret }))).toThrow(/not valid JSON$/);
    try {
      parseActionInputs(env({ 'registry-auth': secret }));
    } catch (e) {
      expect((e as Error).message).not.toContain('c3VwZXJzZWNyZXQ');
    }
  });
});

describe('isValidBranchName', () => {
  it.each([
    ['main', true],
    ['tagstream/shop-frontend-1.4', true],
    ['feature/x.y', true],
    ['a..b', false],
    ['x.lock', false],
    ['/x', false],
    ['x/', false],
    ['x/.hidden', false],
    ['a b', false],
    ['a:b', false],
    ['-x', false],
    ['a@{1}', false],
  ])('%s -> %s', (name, ok) => expect(isValidBranchName(name)).toBe(ok));
});
