/** `tagstream serve` through the CLI: its flags are DAEMON_FIELDS, and bad settings exit 2 before listening. */
import { describe, expect, it } from 'vitest';
import { DAEMON_FIELDS } from '../../../src/config/daemon-settings.js';
import { runCli } from '../cli/helpers.js';

describe('tagstream serve (CLI)', () => {
  it('--help lists every daemon setting', async () => {
    const r = await runCli(['serve', '--help']);
    expect(r.code).toBe(0);
    for (const f of DAEMON_FIELDS) expect(r.stdout, f.flag).toContain(f.flag.split(' ')[0]);
  });

  it.each([
    [[], /error: serve: expected --repo-url URL with --data-dir DIR, or --repo DIR/],
    [['--repo', '.', '--scheduled-interval', '2s'], /--scheduled-interval: must be at least 1m, got 2s \(set TAGSTREAM_ALLOW_SHORT_INTERVALS=1/],
    [['--repo-url', 'https://user:pw@git.example/r.git', '--data-dir', '/tmp/x'], /must not contain credentials/],
  ])('refuses %j with exit code 2', async (args, message) => {
    const r = await runCli(['serve', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('pw@');
  });
});
