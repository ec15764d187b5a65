import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/program.js';
import { captureStream } from '../../fakes/capture-stream.js';
import { fixedClock } from '../../../src/ports/clock.js';
import { runCli, unreachableRegistry } from './helpers.js';

function program(): Command {
  const out = captureStream();
  return buildProgram({
    io: { stdout: out, stderr: out, env: {}, cwd: '/', clock: fixedClock('2026-11-21T06:00:00Z') },
    deps: {
      openRepository: () => Promise.reject(new Error('unused')),
      createRegistry: () => unreachableRegistry(),
      openGit: () => Promise.resolve(undefined),
    },
    setExitCode() {},
  });
}

function allCommands(root: Command): Command[] {
  return root.commands.flatMap((c) => [c, ...allCommands(c)]);
}

const path = (c: Command): string => (c.parent && c.parent.name() !== 'tagstream' ? `${path(c.parent)} ${c.name()}` : c.name());

describe('help text', () => {
  const root = program();
  const commands = allCommands(root);

  it('registers every verb', () => {
    expect(commands.map(path).sort()).toEqual(
      ['create', 'create istag', 'delete', 'describe', 'get', 'image', 'image info', 'import-image', 'reconcile', 'serve', 'set', 'set image-lookup', 'set triggers', 'tag'].sort(),
    );
  });

  it.each(allCommands(program()).map((c) => [path(c), c] as const))('%s: description, argument and flag help', (_name, cmd) => {
    expect(cmd.description().length).toBeGreaterThan(10);
    for (const a of cmd.registeredArguments) expect(a.description, `argument ${a.name()}`).not.toBe('');
    const visible = cmd.options.filter((o) => !o.hidden);
    for (const o of visible) expect(o.description, `flag ${o.flags}`).not.toBe('');
  });

  it('oc flag spellings are present', () => {
    const flags = (p: string) => commands.find((c) => path(c) === p)?.options.map((o) => o.long) ?? [];
    expect(flags('tag')).toEqual(expect.arrayContaining(['--source', '--delete', '--alias', '--reference', '--scheduled', '--insecure', '--reference-policy', '--import-mode']));
    expect(flags('import-image')).toEqual(expect.arrayContaining(['--from', '--confirm', '--all', '--scheduled', '--insecure', '--reference-policy', '--import-mode', '--dry-run']));
    expect(flags('create istag')).toEqual(expect.arrayContaining(['--from', '--from-image', '--annotation', '--reference-policy']));
    expect(flags('set triggers')).toEqual(
      expect.arrayContaining(['--from-image', '--containers', '--auto', '--manual', '--remove', '--remove-all', '--from-config', '--from-github', '--from-webhook', '--from-webhook-allow-env', '--from-gitlab', '--from-bitbucket']),
    );
    expect(flags('set image-lookup')).toEqual(expect.arrayContaining(['--enabled', '--all', '--list']));
    expect(flags('get')).toEqual(expect.arrayContaining(['--repo', '--namespace', '--all-namespaces', '--output', '--no-color', '--verbose']));
  });

  it('--help prints to stdout and exits 0; `<verb> --help` shows its flags', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    for (const verb of ['get', 'describe', 'image', 'tag', 'import-image', 'create', 'set', 'reconcile', 'serve']) expect(top.stdout).toContain(`  ${verb}`);
    const tag = await runCli(['tag', '--help']);
    expect(tag.code).toBe(0);
    expect(tag.stdout).toContain('--reference-policy <policy>');
    expect(tag.stdout).not.toContain('--no-alias');
  });
});
