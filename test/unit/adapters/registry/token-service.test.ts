import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { credentialIdentity, tokenExpiry, TokenService } from '../../../../src/adapters/registry/token-service.js';
import { Transport } from '../../../../src/adapters/registry/transport.js';
import { silentLog } from '../../../../src/ports/log.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('tokenExpiry', () => {
  it.each([
    ['expires_in 300 from now, 30 s early', { expires_in: 300 }, NOW + 270_000],
    ['missing expires_in counts as 60 s (6 s early)', {}, NOW + 54_000],
    ['short lifetimes are raised to 60 s', { expires_in: 10 }, NOW + 54_000],
    ['issued_at in the past shortens the life', { expires_in: 300, issued_at: '2025-12-31T23:59:00Z' }, NOW - 60_000 + 270_000],
    ['issued_at in the future is not trusted', { expires_in: 300, issued_at: '2026-01-01T01:00:00Z' }, NOW + 270_000],
    ['garbage issued_at is ignored', { expires_in: 120, issued_at: 'yesterday' }, NOW + 108_000],
  ])('%s', (_, body, expected) => {
    expect(tokenExpiry(body, NOW)).toBe(expected);
  });
});

describe('credentialIdentity', () => {
  it('distinguishes credentials without containing the secrets', () => {
    const a = credentialIdentity({ username: 'u', password: 'secret-one' });
    const b = credentialIdentity({ username: 'u', password: 'secret-two' });
    const c = credentialIdentity({ identityToken: 'refresh-secret' });
    expect(new Set([a, b, c, credentialIdentity(undefined)]).size).toBe(4);
    expect(`${a}${b}${c}`).not.toMatch(/secret/);
    expect(credentialIdentity({})).toBe('anonymous');
  });
});

describe('TokenService against a token endpoint (MockAgent)', () => {
  const realm = 'https://auth.example.com/token';
  const base = { realm, service: 'svc', scopes: ['repository:a/b:pull'], tls: 'verified' as const, registry: 'reg.example.com', repository: 'a/b' };

  function setup(): { mock: MockAgent; service: TokenService; transport: Transport; clock: { now: number } } {
    const mock = new MockAgent();
    mock.disableNetConnect();
    const transport = new Transport({
      timeoutMs: 1000, requestTimeoutMs: 60_000, runTimeoutMs: 900_000, retries: 0, retryBaseMs: 1, maxRetryAfterMs: 1000, maxConcurrencyPerRegistry: 4,
      userAgent: 'test', log: silentLog, dispatcher: mock,
    });
    const clock = { now: NOW };
    return { mock, transport, clock, service: new TokenService(transport, () => clock.now) };
  }

  it('caches until shortly before expiry and shares concurrent fetches', async () => {
    const { mock, service, transport, clock } = setup();
    let n = 0;
    mock.get('https://auth.example.com').intercept({ path: (p) => p.startsWith('/token?'), method: 'GET' })
      .reply(200, () => JSON.stringify({ token: `t${++n}`, expires_in: 120 })).times(2);
    const [a, b] = await Promise.all([service.token(base), service.token(base)]);
    expect([a, b]).toEqual(['t1', 't1']);
    clock.now += 100_000; // 120 s lifetime renewed 12 s early -> still valid at 100 s
    expect(await service.token(base)).toBe('t1');
    clock.now += 9_000;
    expect(await service.token(base)).toBe('t2');
    expect(transport.stats.token).toBe(2);
    await mock.close();
  });

  it('evicts expired tokens of other scopes and credentials as new ones arrive', async () => {
    const { mock, service, clock } = setup();
    let n = 0;
    mock.get('https://auth.example.com').intercept({ path: (p) => p.startsWith('/token?'), method: 'GET' })
      .reply(200, () => JSON.stringify({ token: `t${++n}`, expires_in: 120 })).times(3);
    await service.token(base);
    await service.token({ ...base, credential: { username: 'old', password: 'rotated-away' } });
    expect(service.size).toBe(2);
    clock.now += 200_000;
    await service.token({ ...base, credential: { username: 'new', password: 'p' } });
    expect(service.size).toBe(1);
    await mock.close();
  });

  it('keys the cache by scope and credential', async () => {
    const { mock, service, transport } = setup();
    let n = 0;
    mock.get('https://auth.example.com').intercept({ path: (p) => p.startsWith('/token?'), method: 'GET' })
      .reply(200, () => JSON.stringify({ access_token: `t${++n}`, token: 'ignored' })).times(3);
    expect(await service.token(base)).toBe('t1');
    expect(await service.token({ ...base, scopes: ['repository:a/b:pull,push'] })).toBe('t2');
    expect(await service.token({ ...base, credential: { username: 'u', password: 'p' } })).toBe('t3');
    expect(await service.token({ ...base, credential: { username: 'u', password: 'p' } })).toBe('t3');
    expect(transport.stats.token).toBe(3);
    await mock.close();
  });

  it('POSTs an identity token and falls back to GET on 404', async () => {
    const { mock, service } = setup();
    const pool = mock.get('https://auth.example.com');
    let form = '';
    pool.intercept({ path: '/token', method: 'POST', body: (b) => ((form = String(b)), true) }).reply(404, '');
    pool.intercept({ path: (p) => p.startsWith('/token?'), method: 'GET' }).reply(200, JSON.stringify({ token: 'from-get' }));
    expect(await service.token({ ...base, credential: { identityToken: 'refresh-xyz' } })).toBe('from-get');
    const params = new URLSearchParams(form);
    expect(params.get('grant_type')).toBe('refresh_token');
    expect(params.get('refresh_token')).toBe('refresh-xyz');
    expect(params.get('service')).toBe('svc');
    expect(params.get('scope')).toBe('repository:a/b:pull');
    mock.assertNoPendingInterceptors();
    await mock.close();
  });

  it('maps a refusal to RegistryUnauthorized without the password', async () => {
    const { mock, service } = setup();
    mock.get('https://auth.example.com').intercept({ path: (p) => p.startsWith('/token?'), method: 'GET' }).reply(401, 'nope');
    const p = service.token({ ...base, credential: { username: 'u', password: 'pw-secret-1' } });
    await expect(p).rejects.toMatchObject({ code: 'RegistryUnauthorized', status: 401 });
    await expect(p).rejects.not.toThrow(/pw-secret-1/);
    await mock.close();
  });
});
