/**
 * run(argv, io) without injected collaborators: the composition root (composition.ts, every adapter)
 * is imported when a verb runs, not at start-up (which keeps `--version` and `--help` cheap), and
 * the verb then gets the production adapters.
 */
import { describe, expect, it, vi } from 'vitest';
import { captureStream } from '../../fakes/capture-stream.js';
import { run } from '../../../src/cli/run.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { BASIC_REPO, NOW_ISO, runCli } from './helpers.js';

async function runWithDefaults(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await run(argv, { stdout, stderr, env: { HOME: '/nonexistent' }, cwd: BASIC_REPO, clock: fixedClock(NOW_ISO) });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('run() with the default collaborators', () => {
  it('reads the repository with the production adapters, as with injected ones', async () => {
    const defaults = await runWithDefaults(['get', 'is', '-A']);
    expect(defaults.code).toBe(0);
    expect(defaults.stdout).not.toBe('');
    expect(defaults).toEqual(await runCli(['get', 'is', '-A']));
  });

  it("reports the composition root's error for a --repo that is not a directory", async () => {
    expect(await runWithDefaults(['get', 'is', '--repo', '/nonexistent/repo'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: cannot use /nonexistent/repo as the repository: no such directory\n',
    });
  });

  it('are not loaded for --version or --help: composition.ts is imported only when a verb runs', async () => {
    let loaded = false;
    vi.resetModules();
    vi.doMock('../../../src/cli/composition.js', () => {
      loaded = true;
      return { defaultDeps: () => ({}) };
    });
    try {
      const fresh = await import('../../../src/cli/run.js');
      const io = () => ({ stdout: captureStream(), stderr: captureStream(), env: {}, cwd: BASIC_REPO, clock: fixedClock(NOW_ISO) });
      const version = io();
      expect(await fresh.run(['--version'], version)).toBe(0);
      expect(version.stdout.text()).toBe('0.1.0\n');
      const help = io();
      expect(await fresh.run(['get', '--help'], help)).toBe(0);
      expect(help.stdout.text()).toContain('Usage: tagstream get');
      expect(loaded).toBe(false);
      await fresh.run(['get', 'is'], io());
      expect(loaded).toBe(true);
    } finally {
      vi.doUnmock('../../../src/cli/composition.js');
      vi.resetModules();
    }
  });
});
