import { describe, expect, it } from 'vitest';
import { originUrl } from '../../../src/action/main.js';

describe('originUrl', () => {
  it.each([
    ['[core]\n\tbare = false\n[remote "origin"]\n\turl = https://github.com/octo/gitops\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n', 'https://github.com/octo/gitops'],
    ['[remote "upstream"]\n\turl = https://a/b\n[remote "origin"]\n\tfetch = x\n\turl=http://127.0.0.1:9/r.git\n[branch "main"]\n\tremote = origin\n', 'http://127.0.0.1:9/r.git'],
    ['[remote "upstream"]\n\turl = https://a/b\n', undefined],
    ['', undefined],
  ])('%#', (config, url) => expect(originUrl(config)).toBe(url));
});
