/**
 * Measurement, not a benchmark gate: resolve many tags on a local registry and print the timing
 * and request counts. Correctness is asserted; timings are only logged. 300 tags by default, to
 * keep `npm test` short on two cores; TAGSTREAM_THROUGHPUT_TAGS=1000 for the figure.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseImageReference } from '../../../src/domain/image-reference.js';
import { createRegistryClient } from '../../../src/adapters/registry/index.js';
import { makeImage } from '../../harness/oci-image.js';
import { pushImage, startRegistry, type TestRegistry } from '../../harness/registry.js';

const TAGS = Number(process.env.TAGSTREAM_THROUGHPUT_TAGS ?? 300);
let reg: TestRegistry;
const images = [makeImage({ layers: [{ 'n.txt': 'even' }] }), makeImage({ layers: [{ 'n.txt': 'odd' }] })];

beforeAll(async () => {
  reg = await startRegistry();
  // Upload each image's blobs once before the concurrent pushes: parallel uploads of the same blob
  // into one repository race in the registry (DIGEST_INVALID / MANIFEST_BLOB_UNKNOWN).
  for (const [i, img] of images.entries()) await pushImage(reg, 'bench/app', `t${i}`, img);
  const queue = Array.from({ length: TAGS - images.length }, (_, i) => i + images.length);
  const seedStart = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const img = images[i % 2];
        if (img) await pushImage(reg, 'bench/app', `t${i}`, img);
      }
    }),
  );
  console.log(`[throughput] seeded ${TAGS} tags in ${Math.round(performance.now() - seedStart)} ms`);
}, 120_000);
afterAll(async () => {
  await reg?.stop();
});

it(`resolves ${TAGS} tags`, async () => {
  const client = createRegistryClient();
  const refs = Array.from({ length: TAGS }, (_, i) => `${reg.host}/bench/app:t${i}`);

  const t0 = performance.now();
  const first = await Promise.all(refs.map((r) => client.resolve(parseImageReference(r), { importMode: 'Legacy' })));
  const cold = performance.now() - t0;
  first.forEach((r, i) => expect(r.digest).toBe(images[i % 2]?.digest));
  const coldStats = client.stats();
  // one HEAD per tag, plus one HEAD by digest per new digest (two images): nothing unproven is pinned
  expect(coldStats.manifestHead).toBe(TAGS + 2);

  const t1 = performance.now();
  await Promise.all(refs.map((r) => client.resolve(parseImageReference(r), { importMode: 'Legacy' })));
  const cached = performance.now() - t1;
  expect(client.stats().manifestHead).toBe(TAGS + 2);

  client.newRun();
  client.resetStats();
  const t2 = performance.now();
  // a later run knows what each tag is pinned to: one HEAD per unchanged tag
  await Promise.all(refs.map((r, i) => client.resolve(parseImageReference(r), { importMode: 'Legacy', knownDigest: images[i % 2]?.digest })));
  const secondRun = performance.now() - t2;
  expect(client.stats().manifestHead).toBe(TAGS);
  expect(client.stats().ping).toBe(0);

  // The same lookups with one request in flight, for comparison.
  const seq = createRegistryClient({ maxConcurrencyPerRegistry: 1 });
  const t3 = performance.now();
  const serial = await Promise.all(refs.map((r) => seq.resolve(parseImageReference(r), { importMode: 'Legacy' })));
  const sequential = performance.now() - t3;
  expect(serial.map((r) => r.digest)).toEqual(first.map((r) => r.digest));

  console.log(
    `[throughput] ${TAGS} tags: first run ${Math.round(cold)} ms (${(cold / TAGS).toFixed(2)} ms/tag, ` +
      `concurrency 8), same run again ${Math.round(cached)} ms (cache), second run ${Math.round(secondRun)} ms; ` +
      `concurrency 1: ${Math.round(sequential)} ms. Requests first run: ${JSON.stringify(coldStats)}; ` +
      `second run: ${JSON.stringify(client.stats())}`,
  );
  await Promise.all([client.close(), seq.close()]);
}, 120_000);
