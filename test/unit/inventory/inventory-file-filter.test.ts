import { describe, expect, it } from 'vitest';
import { createFileFilter, loadFileFilter, type FileSkipReason } from '../../../src/inventory/file-filter.js';
import { memoryWorkspace } from '../../fakes/memory-workspace.js';

type Case = [description: string, gitignores: Record<string, string>, path: string, expected: FileSkipReason | undefined];

const cases: Case[] = [
  ['no rules', {}, 'a/b.yaml', undefined],
  ['root pattern matches at any depth', { '': '*.tmp.yaml\n' }, 'x/y/z.tmp.yaml', 'gitignore'],
  ['anchored pattern only at root', { '': '/gen.yaml\n' }, 'sub/gen.yaml', undefined],
  ['anchored pattern at root', { '': '/gen.yaml\n' }, 'gen.yaml', 'gitignore'],
  ['folder pattern hides its files', { '': 'build/\n' }, 'build/out/a.yaml', 'gitignore'],
  ['folder pattern does not hide a file of that name', { '': 'build/\n' }, 'build', undefined],
  ['negation re-includes a file', { '': '*.yaml\n!keep.yaml\n' }, 'keep.yaml', undefined],
  ['nothing inside an ignored folder can be re-included', { '': 'build/\n!build/keep.yaml\n' }, 'build/keep.yaml', 'gitignore'],
  ['nested file is relative to its folder', { sub: '/local.yaml\n' }, 'sub/local.yaml', 'gitignore'],
  ['nested file does not apply outside its folder', { sub: '*.yaml\n' }, 'other/a.yaml', undefined],
  ['nested anchored pattern is not anchored at the repo root', { sub: '/local.yaml\n' }, 'local.yaml', undefined],
  ['deeper file overrides a shallower ignore', { '': '*.yaml\n', sub: '!wanted.yaml\n' }, 'sub/wanted.yaml', undefined],
  ['deeper file cannot rescue a file in a folder ignored above', { '': 'sub/deep/\n', 'sub/deep': '!a.yaml\n' }, 'sub/deep/a.yaml', 'gitignore'],
  ['deeper ignore wins over shallower negation', { '': '!x.yaml\n', sub: 'x.yaml\n' }, 'sub/x.yaml', 'gitignore'],
  ['comments and blank lines', { '': '# *.yaml\n\n' }, 'a.yaml', undefined],
  ['node_modules is always skipped', {}, 'node_modules/p/a.yaml', 'skipped-directory'],
  ['.git is always skipped', {}, 'x/.git/a.yaml', 'skipped-directory'],
];

describe('createFileFilter: .gitignore semantics', () => {
  it.each(cases)('%s', (_d, gitignores, path, expected) => {
    const filter = createFileFilter({ gitignores: new Map(Object.entries(gitignores)) });
    expect(filter.skipReason(path)).toBe(expected);
    expect(filter.accepts(path)).toBe(expected === undefined);
  });
});

describe('createFileFilter: include / exclude', () => {
  it.each([
    [['apps/**'], [], 'apps/a.yaml', undefined],
    [['apps/**'], [], 'other/a.yaml', 'not-included'],
    [[], ['**/*.secret.yaml'], 'a/b.secret.yaml', 'excluded'],
    [['**/*.yaml'], ['tmp/**'], 'tmp/a.yaml', 'excluded'],
    [[], [], '.hidden/a.yaml', undefined],
    [['*.yaml'], [], '.dot.yaml', undefined],
  ] as [string[], string[], string, FileSkipReason | undefined][])('include %j exclude %j: %s', (include, exclude, path, expected) => {
    expect(createFileFilter({ include, exclude }).skipReason(path)).toBe(expected);
  });

  it('gitignore is checked before include', () => {
    const filter = createFileFilter({ include: ['**'], gitignores: new Map([['', 'a.yaml']]) });
    expect(filter.skipReason('a.yaml')).toBe('gitignore');
  });
});

describe('loadFileFilter', () => {
  it('reads every .gitignore the workspace lists', async () => {
    const ws = memoryWorkspace({ '.gitignore': 'x.yaml\n', 'deep/er/.gitignore': 'y.yaml\n', 'x.yaml': '', 'deep/er/y.yaml': '', 'y.yaml': '' });
    const filter = await loadFileFilter(ws, await ws.listFiles(), {});
    expect(['x.yaml', 'deep/er/y.yaml', 'y.yaml'].map((p) => filter.accepts(p))).toEqual([false, false, true]);
  });
});
