import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_CHANGE_SET } from '../../../src/domain/change-set.js';
import { runServe } from '../../../src/daemon/serve-main.js';
import { systemClock } from '../../../src/ports/clock.js';

function io(env: Record<string, string> = {}, cwd = process.cwd()) {
  const out: string[] = [];
  const err: string[] = [];
  const signals = new EventEmitter();
  return {
    out,
    err,
    signals,
    io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env, cwd, clock: systemClock, signals: signals as unknown as { once(s: 'SIGTERM' | 'SIGINT', l: () => void): unknown } },
  };
}

const reconcile = async () => ({ changeSet: EMPTY_CHANGE_SET, pushed: false, exitCode: 0 as const });

describe('runServe', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tagstream-serve-main-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 2 with a usage message for bad settings, before listening', async () => {
    const t = io();
    expect(await runServe({ repoUrl: 'https://g.example/r.git' }, t.io, { reconcile })).toBe(2);
    expect(t.err.join('')).toBe('error: serve: --repo-url needs --data-dir DIR (or TAGSTREAM_DATA_DIR) to clone into\n');
    expect(t.out).toEqual([]);
  });

  it('serves health while the repository is unusable, stays unready, stops on SIGTERM with exit 0', async () => {
    const t = io({ TAGSTREAM_WEBHOOK_SECRET: 'a-secret-for-this-test' }, dir);
    let url = '';
    const listening = new Promise<void>((resolve) => {
      void runServe({ repo: '.', listen: '127.0.0.1:0', gracePeriod: '100ms' }, t.io, {
        reconcile,
        onListening: (u) => {
          url = u;
          resolve();
        },
      }).then((code) => t.signals.emit('exit', code));
    });
    await listening;
    const exited = new Promise<number>((r) => t.signals.once('exit', r));
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    // The first run fails (not a git working copy) and is logged as JSON, then retried with backoff.
    for (let i = 0; i < 50 && !t.out.join('').includes('run failed'); i++) await new Promise((r) => setTimeout(r, 50));
    const records = t.out.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.find((r) => r['msg'] === 'run failed; retrying')?.['error']).toMatch(/not a git working copy/);
    t.signals.emit('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    expect(t.out.join('')).not.toContain('a-secret-for-this-test');
  });
});
