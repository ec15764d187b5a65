/**
 * #12.5 Every registry request has a total deadline, and a run a bound: a registry that trickles
 * a manifest one byte at a time (each byte well within the idle timeout) fails that request when
 * the deadline passes, not minutes later; the next run starts with a fresh bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../../../src/adapters/registry/index.js';
import { parseImageReference } from '../../../src/domain/image-reference.js';
import { makeImage } from '../../harness/oci-image.js';
import { pushImage, registryRejection, startRegistry, type TestRegistry } from '../../harness/registry.js';
import { startTricklingRegistry, type TricklingRegistry } from '../../harness/trickle-registry.js';

let stalled: TricklingRegistry;
let reg: TestRegistry;
const img = makeImage({ layers: [{ 'deadline.txt': 'on time' }] });

beforeAll(async () => {
  stalled = await startTricklingRegistry({ byteIntervalMs: 200 });
  reg = await startRegistry();
  await pushImage(reg, 'deadline/app', 'v1', img);
});
afterAll(async () => {
  await stalled?.stop();
  await reg?.stop();
});

describe('a registry that trickles its answer', () => {
  it('fails the request at the total deadline (the idle timeout never fires)', async () => {
    // idle timeout 30 s (the default): each byte comes after 200 ms, the body would take ~100 s
    const client = createRegistryClient({ requestTimeoutMs: 1000, retryBaseMs: 5 });
    const started = performance.now();
    const e = await registryRejection(client.resolve(parseImageReference(`${stalled.host}/slow/app:v1`), { importMode: 'Legacy' }));
    const took = performance.now() - started;
    expect(e.code).toBe('RegistryTransient');
    expect(e.retryable).toBe(true);
    expect(e.message).toMatch(/no complete answer from 127\.0\.0\.1:\d+ within 1 s/);
    expect(took).toBeLessThan(10_000);
    await client.close();
  }, 30_000);

  it('fails at the run bound, and the next run (newRun) gets a fresh bound', async () => {
    const client = createRegistryClient({ runTimeoutMs: 1500, retryBaseMs: 5 });
    const e = await registryRejection(client.resolve(parseImageReference(`${stalled.host}/slow/app:v2`), { importMode: 'Legacy' }));
    expect(e.code).toBe('RegistryTransient');
    expect(e.message).toMatch(/not finished within the time bound of the run \(1\.5 s, TAGSTREAM_RUN_TIMEOUT\)/);
    // still within the spent run: the healthy registry is not asked any more
    const late = await registryRejection(client.resolve(parseImageReference(`${reg.host}/deadline/app:v1`), { importMode: 'Legacy' }));
    expect(late.code).toBe('RegistryTransient');
    client.newRun();
    expect((await client.resolve(parseImageReference(`${reg.host}/deadline/app:v1`), { importMode: 'Legacy' })).digest).toBe(img.digest);
    await client.close();
  }, 30_000);
});
