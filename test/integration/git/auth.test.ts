// HTTPS credentials against the real git server with Basic auth: success, refusal, no credentials,
// and that neither the password nor a credentialed URL ever shows in errors or .git/config.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitAdapter } from '../../../src/adapters/git/isomorphic-git-adapter.js';
import { TagstreamError } from '../../../src/errors.js';
import { gitCli, startGitServer } from '../../harness/git-server.js';
import type { GitServer } from '../../harness/git-server.js';

const PASSWORD = 's3cret-Pa55word-xyz';
const bot = { name: 'tagstream', email: 'bot@example.test' };
let server: GitServer;
let tmp: string;
let url: string;
let n = 0;

beforeAll(async () => {
  server = await startGitServer({ users: { gituser: PASSWORD, 'x-access-token': 'tok-ABCDEF123456' } });
  tmp = await mkdtemp(join(tmpdir(), 'tagstream-git-auth-'));
  url = await server.createBareRepo('private.git', { initialFiles: { 'values.yaml': 'v: 1\n' } });
});
afterAll(async () => {
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const dirFor = (label: string): string => join(tmp, `${label}-${++n}`);

async function caught(p: Promise<unknown>): Promise<TagstreamError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TagstreamError);
    return e as TagstreamError;
  }
  throw new Error('expected a rejection');
}

describe('git adapter with Basic auth', () => {
  const adapter = createGitAdapter();

  it('clones and pushes with username/password credentials', async () => {
    const repo = await adapter.clone({ url, dir: dirFor('ok'), credentials: { username: 'gituser', password: PASSWORD } });
    await writeFile(join(repo.dir, 'values.yaml'), 'v: 2\n');
    const oid = await repo.commit({ files: ['values.yaml'], message: 'auth push', author: bot });
    await repo.push();
    expect(await gitCli(join(server.root, 'private.git'), ['rev-parse', 'main'])).toBe(oid);
  });

  it('sends a token as x-access-token', async () => {
    const repo = await adapter.clone({ url, dir: dirFor('token'), credentials: { token: 'tok-ABCDEF123456' } });
    expect(await repo.fetch()).toBe(await repo.headOid());
  });

  it('fails a wrong password as Git "credentials refused" without the password in the message', async () => {
    const dir = dirFor('bad');
    const err = await caught(adapter.clone({ url, dir, credentials: { username: 'gituser', password: 'wrong-Pa55word' } }));
    expect(err.code).toBe('Git');
    expect(err.message).toContain('authentication failed');
    expect(err.message).toContain(url);
    expect(inspect(err, { depth: 10 })).not.toContain('wrong-Pa55word');
    // the half-made clone was removed
    await expect(readFile(join(dir, '.git', 'config'))).rejects.toThrow();
  });

  it('fails without credentials as "authentication required" (HTTP 401)', async () => {
    const err = await caught(adapter.clone({ url, dir: dirFor('none') }));
    expect(err.code).toBe('Git');
    expect(err.message).toContain('authentication required (HTTP 401)');
  });

  it('moves credentials out of a URL: they work, but never reach .git/config or messages', async () => {
    const credentialed = url.replace('http://', `http://gituser:${PASSWORD}@`);
    const repo = await adapter.clone({ url: credentialed, dir: dirFor('url') });
    const config = await readFile(join(repo.dir, '.git', 'config'), 'utf8');
    expect(config).toContain(url);
    expect(config).not.toContain(PASSWORD);
    await writeFile(join(repo.dir, 'values.yaml'), 'v: 3\n');
    await repo.commit({ files: ['values.yaml'], message: 'url creds', author: bot });
    await repo.push();

    const err = await caught(repo.fetch({ credentials: { username: 'gituser', password: 'Another-wrong-one' } }));
    expect(err.message).toContain('authentication failed');
    // Not in the message, nor anywhere a logger printing the whole error (cause chain) would reach.
    expect(inspect(err, { depth: 10 })).not.toContain('Another-wrong-one');
    expect(inspect(err, { depth: 10 })).not.toContain(PASSWORD);

    const bad = await caught(adapter.clone({ url: url.replace('http://', 'http://gituser:Url-Wrong-Pass@'), dir: dirFor('url-bad') }));
    expect(bad.message).not.toContain('Url-Wrong-Pass');
    expect(bad.message).toContain('authentication failed');
  });
});
