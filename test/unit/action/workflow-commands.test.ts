import { describe, expect, it } from 'vitest';
import { dockerConfigSecrets, escapeData, escapeProperty, formatAnnotation, formatCommand, formatOutput, WorkflowRunner } from '../../../src/action/workflow-commands.js';

function fakeIo(env: Record<string, string> = { GITHUB_OUTPUT: '/out', GITHUB_STEP_SUMMARY: '/sum' }) {
  const lines: string[] = [];
  const files: Record<string, string> = {};
  let n = 0;
  const runner = new WorkflowRunner({
    env,
    writeLine: (l) => lines.push(l),
    appendFile: (p, d) => void (files[p] = (files[p] ?? '') + d),
    delimiter: () => `EOF_${++n}`,
  });
  return { runner, lines, files };
}

describe('escaping', () => {
  it.each([
    ['100% done\r\nnext', '100%25 done%0D%0Anext'],
    ['a:b,c', 'a:b,c'],
  ])('escapeData(%j)', (input, out) => expect(escapeData(input)).toBe(out));
  it.each([
    ['apps/a,b.yaml', 'apps/a%2Cb.yaml'],
    ['C:\\x', 'C%3A\\x'],
    ['50%\n', '50%25%0A'],
  ])('escapeProperty(%j)', (input, out) => expect(escapeProperty(input)).toBe(out));
});

describe('annotations', () => {
  it.each([
    [{ file: 'deploy/apps/web.yaml', line: 12, col: 7 }, 'error', 'spec.tags[0].from.name: expected a string', '::error file=deploy/apps/web.yaml,line=12,col=7::spec.tags[0].from.name: expected a string'],
    [{ file: 'a.yaml' }, 'warning', 'two\nlines', '::warning file=a.yaml::two%0Alines'],
    [{ title: 'Tagstream', file: 'x.yaml', line: 1 }, 'error', 'bad', '::error title=Tagstream,file=x.yaml,line=1::bad'],
    [{}, 'notice', 'plain', '::notice::plain'],
  ] as const)('%j', (loc, level, message, expected) => {
    expect(formatAnnotation(level, message, loc)).toBe(expected);
  });

  it('redacts credentials in annotation messages', () => {
    expect(formatAnnotation('error', 'push to https://x-access-token:ghs_abc@github.com/o/r failed')).toBe('::error::push to https://***@github.com/o/r failed');
  });

  it('formats bare commands', () => {
    expect(formatCommand('group', {}, 'Plan')).toBe('::group::Plan');
    expect(formatCommand('endgroup', {}, '')).toBe('::endgroup::');
  });
});

describe('outputs', () => {
  it('appends heredoc blocks that keep multi-line values', () => {
    const { runner, files } = fakeIo();
    runner.setOutput('changed', 'true');
    runner.setOutput('plan', '{\n  "moves": []\n}');
    expect(files['/out']).toBe('changed<<EOF_1\ntrue\nEOF_1\nplan<<EOF_2\n{\n  "moves": []\n}\nEOF_2\n');
  });

  it('refuses a value containing the delimiter (it would end the block early)', () => {
    expect(() => formatOutput('x', 'a\nEOF\nb', 'EOF')).toThrow(/delimiter/);
  });

  it('uses random delimiters by default', () => {
    const files: Record<string, string> = {};
    const runner = new WorkflowRunner({ env: { GITHUB_OUTPUT: '/o' }, writeLine: () => {}, appendFile: (p, d) => void (files[p] = (files[p] ?? '') + d) });
    runner.setOutput('a', '1');
    expect(files['/o']).toMatch(/^a<<ghadelimiter_[0-9a-f]{32}\n1\nghadelimiter_[0-9a-f]{32}\n$/);
  });

  it('appends the job summary with a final newline', () => {
    const { runner, files } = fakeIo();
    runner.appendSummary('### Plan');
    runner.appendSummary('done\n');
    expect(files['/sum']).toBe('### Plan\ndone\n');
  });

  it('without GITHUB_OUTPUT logs the output instead', () => {
    const { runner, lines, files } = fakeIo({});
    runner.setOutput('changed', 'false');
    expect(files).toEqual({});
    expect(lines).toEqual(['output changed=false']);
  });
});

describe('masking', () => {
  it('registers each line of a secret once and scrubs what it prints', () => {
    const { runner, lines, files } = fakeIo();
    runner.mask('line-one-secret\nline-two-secret\n');
    runner.mask('line-one-secret');
    runner.mask('abc'); // too short to mask without masking half the log
    runner.info('token line-two-secret leaked?');
    runner.setOutput('x', 'has line-one-secret');
    expect(lines).toEqual(['::add-mask::line-one-secret', '::add-mask::line-two-secret', 'token *** leaked?']);
    expect(files['/out']).toContain('has ***');
  });

  it('finds the secrets inside a Docker config', () => {
    const auth = Buffer.from('robot$ci:s3cr3t-pass').toString('base64');
    const json = JSON.stringify({ auths: { 'quay.io': { auth }, 'ghcr.io': { username: 'u', password: 'p4ssword' }, 'r.example': { identitytoken: 'idtok-123' } } });
    expect(dockerConfigSecrets(json).sort()).toEqual([auth, 'idtok-123', 'p4ssword', 'robot$ci:s3cr3t-pass', 's3cr3t-pass'].sort());
    expect(dockerConfigSecrets('not json')).toEqual([]);
  });

  it('keeps log lines from being read as commands', () => {
    const { runner, lines } = fakeIo();
    runner.info('::set-env name=X::y');
    expect(lines).toEqual([' ::set-env name=X::y']);
  });
});

describe('groups and the core log', () => {
  it('wraps a body in group/endgroup even when it throws', async () => {
    const { runner, lines } = fakeIo();
    await expect(runner.group('Plan', async () => {
      runner.log().warn('careful', { file: 'a.yaml' });
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(lines).toEqual(['::group::Plan', '::warning::careful {"file":"a.yaml"}', '::endgroup::']);
  });

  it('fail() marks the step failed', () => {
    const { runner, lines } = fakeIo();
    expect(runner.hasFailed).toBe(false);
    runner.fail('bad input', { file: 'a.yaml', line: 2 });
    expect(runner.hasFailed).toBe(true);
    expect(lines).toEqual(['::error file=a.yaml,line=2::bad input']);
  });
});
