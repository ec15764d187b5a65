import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { createRegistryClient } from '../../../../src/adapters/registry/registry-client.js';
import { parseImageReference } from '../../../../src/domain/image-reference.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

/**
 * A dispatcher answering at once: 200 to the /v2/ ping (request()), a manifest digest to every
 * HEAD (dispatch() with the handler API: a HEAD builds no response stream).
 */
function instantRegistry() {
  const calls: Dispatcher.DispatchOptions[] = [];
  const body = { dump: async () => {}, destroy: () => {}, async *[Symbol.asyncIterator]() {} };
  const controller = { aborted: false, paused: false, reason: null, abort: () => {}, pause: () => {}, resume: () => {} };
  const dispatcher = {
    request(opts: Dispatcher.RequestOptions) {
      calls.push(opts);
      return Promise.resolve({ statusCode: 200, headers: {}, body });
    },
    dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
      calls.push(opts);
      handler.onRequestStart?.(controller, {});
      void Promise.resolve().then(() => {
        handler.onResponseStart?.(controller, 200, { 'docker-content-digest': DIGEST, 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
        handler.onResponseEnd?.(controller, {});
      });
      return true;
    },
  };
  return { calls, dispatcher };
}

describe('registry client: the manifest HEAD of a resolve (#16 CPU per HEAD)', () => {
  it('once the endpoint is known, a resolve reaches the connection pool in the same tick (no await before the send)', async () => {
    const { calls, dispatcher } = instantRegistry();
    const client = createRegistryClient({ dispatcher });
    const ref = (tag: string) => parseImageReference(`registry.example.com/team/app:${tag}`);
    expect((await client.resolve(ref('v1'), { importMode: 'Legacy', knownDigest: DIGEST })).digest).toBe(DIGEST);
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /v2/', 'HEAD /v2/team/app/manifests/v1']);
    const pending = client.resolve(ref('v2'), { importMode: 'Legacy', knownDigest: DIGEST });
    // synchronously: no endpoint lookup, limiter or mirror step waited for a microtask
    expect(calls.map((c) => `${c.method} ${c.path}`).at(-1)).toBe('HEAD /v2/team/app/manifests/v2');
    expect((await pending).digest).toBe(DIGEST);
  });

  it('HEADs share one headers object and keep the connection; an injected dispatcher is told the idle timeouts', async () => {
    const { calls, dispatcher } = instantRegistry();
    const client = createRegistryClient({ dispatcher, timeoutMs: 1234 });
    const [a, b] = await Promise.all(
      ['v1', 'v2'].map((tag) => client.resolve(parseImageReference(`registry.example.com/team/app:${tag}`), { importMode: 'Legacy', knownDigest: DIGEST })),
    );
    expect(a?.digest).toBe(DIGEST);
    expect(b?.digest).toBe(DIGEST);
    const heads = calls.filter((c) => c.method === 'HEAD');
    expect(heads).toHaveLength(2);
    expect(heads[0]?.headers).toBe(heads[1]?.headers);
    expect(heads[0]?.headers).toMatchObject({ 'user-agent': expect.stringMatching(/^tagstream\//), accept: expect.stringContaining('application/vnd.oci.image.manifest.v1+json') });
    // keep-alive for HEADs; an injected dispatcher is told the idle timeouts per request
    expect(heads[0]).toMatchObject({ reset: false, headersTimeout: 1234, bodyTimeout: 1234 });
    expect(calls.find((c) => c.method === 'GET')?.reset).toBeUndefined();
  });
});
