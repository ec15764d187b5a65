/**
 * Real ImageStreams from the shared corpus (openshift/library, see ../shared/corpus/SOURCES.md):
 * a never-served stream is settled, every importable tag is imported once, trackers follow, and a
 * second pass changes nothing. Skips when ../shared is not checked out next to the repository.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ImageStream } from '../../../src/domain/image-stream.js';
import { findSpecTag, latestTagEvent } from '../../../src/domain/image-stream.js';
import { isImportable } from '../../../src/domain/generation.js';
import { applyImportResults } from '../../../src/domain/import-result.js';
import { settleSpecEdits } from '../../../src/domain/spec-edits.js';
import { trackedTag } from '../../../src/domain/tracking.js';
import { fnv1a } from '../../../src/domain/spec-fingerprint.js';
import { planImports } from '../../../src/planning/import-plan.js';
import { sourceText } from '../../../src/domain/image-reference.js';

const dir = fileURLToPath(new URL('../../../../shared/corpus/imagestreams/openshift__library/', import.meta.url));
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
const NOW = '2024-05-01T00:00:00Z';
const LATER = '2024-05-02T00:00:00Z';

describe.skipIf(files.length === 0)('openshift/library image streams', () => {
  it.each(files)('%s', (file) => {
    const raw = JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as ImageStream;
    const input: ImageStream = { ...raw, metadata: { ...raw.metadata, namespace: 'openshift' } };
    const ctx = { now: NOW, streams: new Map([[`openshift/${input.metadata.name}`, input]]) };
    const { stream: created, problems } = settleSpecEdits(input, ctx);
    expect(problems).toEqual([]);
    expect(created.metadata.generation).toBe(1);

    const requests = planImports(created);
    const importable = (created.spec.tags ?? []).filter(isImportable).map((t) => t.name);
    expect(requests.map((r) => r.tag)).toEqual(importable);
    // a deterministic fake digest per pull spec
    const digestOf = (from: string) => `sha256:${fnv1a(from).repeat(8)}`;
    const stored = applyImportResults(created, requests.map((r) => ({ ok: true as const, request: r, digest: digestOf(sourceText(r.from)) })), NOW);

    for (const ref of stored.spec.tags ?? []) {
      if (isImportable(ref)) {
        expect(latestTagEvent(stored, ref.name)?.image).toBe(digestOf(ref.from?.name ?? ''));
        expect(findSpecTag(stored, ref.name)?.generation).toBe(2);
      }
      const source = trackedTag(stored, ref);
      if (source !== undefined && latestTagEvent(stored, source)) {
        expect(latestTagEvent(stored, ref.name)?.image).toBe(latestTagEvent(stored, source)?.image);
      }
    }
    // the next run: nothing edited, nothing pending, the same answers change nothing
    const again = settleSpecEdits(stored, { now: LATER, streams: new Map([[`openshift/${input.metadata.name}`, stored]]) });
    expect(again.stream).toBe(stored);
    expect(planImports(stored)).toEqual([]);
    const reimport = planImports(stored, { scheduledDue: true });
    expect(applyImportResults(stored, reimport.map((r) => ({ ok: true as const, request: r, digest: digestOf(sourceText(r.from)) })), LATER)).toBe(stored);
  });
});
