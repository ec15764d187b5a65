import { describe, expect, it } from 'vitest';
import { createJsonLog } from '../../../src/daemon/json-log.js';
import { fixedClock } from '../../../src/ports/clock.js';
import type { LogLevel } from '../../../src/ports/log.js';

function capture(level: LogLevel = 'debug', secrets: string[] = []) {
  const lines: string[] = [];
  const log = createJsonLog({ write: (l) => lines.push(l), level, clock: fixedClock('2026-01-02T03:04:05Z'), secrets });
  return { log, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createJsonLog', () => {
  it('writes one JSON object per line with time, level, msg and fields', () => {
    const c = capture();
    c.log.info('run finished', { moved: ['shop/app:latest'], durationMs: 12 });
    expect(c.lines).toEqual(['{"time":"2026-01-02T03:04:05.000Z","level":"info","msg":"run finished","moved":["shop/app:latest"],"durationMs":12}\n']);
  });

  it.each<[LogLevel, string[]]>([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ])('level %s keeps %j', (level, kept) => {
    const c = capture(level);
    c.log.debug('d');
    c.log.info('i');
    c.log.warn('w');
    c.log.error('e');
    expect(c.records().map((r) => r['level'])).toEqual(kept);
  });

  it('never writes credentials', () => {
    const c = capture('debug', ['hunter2-webhook-secret', 'ghp_tokentokentoken']);
    c.log.error('push to https://user:pa55word@git.example/r.git failed', {
      url: 'https://x-access-token:ghp_tokentokentoken@github.com/o/r',
      header: 'Authorization: Bearer hunter2-webhook-secret',
      nested: { password: 'plain', list: ['https://auth.example/token?service=r&token=abc123&x=1', 'ok'], deeper: { note: 'the secret is hunter2-webhook-secret' } },
      error: new Error('bad credentials Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'),
      token: 'anything',
    });
    const text = c.lines.join('');
    for (const leaked of ['pa55word', 'ghp_tokentokentoken', 'hunter2-webhook-secret', 'plain', 'abc123', 'eyJhbGci', 'anything']) {
      expect(text, leaked).not.toContain(leaked);
    }
    const r = c.records()[0] as Record<string, unknown>;
    expect(r['msg']).toBe('push to https://***@git.example/r.git failed');
    expect((r['nested'] as Record<string, unknown>)['password']).toBe('***');
    expect(r['error']).toEqual({ message: expect.stringContaining('bad credentials') });
  });

  it('keeps reserved keys from being overwritten by fields', () => {
    const c = capture();
    c.log.warn('m', { level: 'debug', msg: 'other', time: 'x', ok: true });
    expect(c.records()[0]).toEqual({ time: '2026-01-02T03:04:05.000Z', level: 'warn', msg: 'm', ok: true });
  });
});
