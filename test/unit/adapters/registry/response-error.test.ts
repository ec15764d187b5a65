import { describe, expect, it } from 'vitest';
import { responseError } from '../../../../src/adapters/registry/response-error.js';

const ctx = { registry: 'quay.io', repository: 'org/app', subject: 'tag "v1"' };
const body = (code: string, message: string): Buffer => Buffer.from(JSON.stringify({ errors: [{ code, message }] }));

describe('responseError', () => {
  it.each([
    [404, body('MANIFEST_UNKNOWN', 'manifest unknown'), 'RegistryNotFound', false, 'tag "v1" not found in quay.io/org/app'],
    [404, body('NAME_UNKNOWN', 'repository name not known to registry'), 'RegistryNotFound', false, 'repository quay.io/org/app not found'],
    [404, Buffer.alloc(0), 'RegistryNotFound', false, 'tag "v1" not found'],
    [401, body('UNAUTHORIZED', 'authentication required'), 'RegistryUnauthorized', false, 'unauthorized: access to quay.io/org/app was refused'],
    [403, body('DENIED', 'requested access to the resource is denied'), 'RegistryDenied', false, 'denied'],
    [429, body('TOOMANYREQUESTS', 'You have reached your pull rate limit'), 'RegistryRateLimited', true, 'rate limited by quay.io'],
    [503, Buffer.from('<html>down</html>'), 'RegistryTransient', true, 'quay.io answered 503'],
    [400, body('MANIFEST_INVALID', 'bad'), 'RegistryProtocol', false, 'answered 400'],
  ] as const)('%i %s', (status, b, code, retryable, text) => {
    const e = responseError({ status, body: b }, ctx);
    expect(e.code).toBe(code);
    expect(e.retryable).toBe(retryable);
    expect(e.status).toBe(status);
    expect(e.registry).toBe('quay.io');
    expect(e.repository).toBe('org/app');
    expect(e.message).toContain(text);
  });

  it('explains Docker Hub 401 for missing repositories', () => {
    const e = responseError({ status: 401, body: Buffer.alloc(0) }, { ...ctx, registry: 'docker.io' });
    expect(e.message).toContain('Docker Hub also answers this for repositories that do not exist');
  });

  it('redacts credentials a registry echoes back', () => {
    const e = responseError(
      { status: 401, body: body('UNAUTHORIZED', 'bad header Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl from https://user:hunter2@quay.io/v2/') },
      ctx,
    );
    expect(e.message).not.toContain('eyJhbGciOiJSUzI1NiJ9');
    expect(e.message).not.toContain('hunter2');
    expect(e.message).toContain('***');
  });
});
