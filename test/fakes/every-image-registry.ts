/** A RegistryPort answering every reference with a digest derived from its text (nothing to seed). */
import { createHash } from 'node:crypto';
import { referenceText } from '../../src/domain/image-reference.js';
import type { RegistryPort } from '../../src/ports/registry.js';

export const everyImageRegistry: RegistryPort = {
  async resolve(ref) {
    return { digest: `sha256:${createHash('sha256').update(referenceText(ref)).digest('hex')}`, mediaType: 'application/vnd.oci.image.manifest.v1+json' };
  },
  async inspect() {
    return { digest: '', mediaType: '', created: '2026-11-01T00:00:00Z' };
  },
  async listTags() {
    return [];
  },
  async copy() {
    throw new Error('not used');
  },
};
