/**
 * Shared helpers of the verbs: settled reads of the current streams, new-stream skeletons and
 * name validation with the API server's wording.
 */
import { TagstreamError, UsageError } from '../errors.js';
import type { ImageStream, ImportMode } from '../domain/image-stream.js';
import { streamKey } from '../domain/image-stream.js';
import { validateNamespace, validateStreamName } from '../domain/names.js';
import { settleSpecEdits } from '../domain/spec-edits.js';
import type { VerbContext } from './verb-plan.js';

/** A working copy of the streams: reads settle hand edits first, writes are remembered. */
export class StreamSet {
  private readonly current: Map<string, ImageStream>;
  private readonly touched: string[] = [];
  private readonly problems: string[] = [];

  constructor(
    streams: ReadonlyMap<string, ImageStream>,
    private readonly ctx: VerbContext,
  ) {
    this.current = new Map(streams);
  }

  /** The stream as OpenShift would hold it now (hand edits applied), or undefined. */
  get(namespace: string, name: string): ImageStream | undefined {
    const key = streamKey(namespace, name);
    const stream = this.current.get(key);
    if (!stream) return undefined;
    const { stream: settled, problems } = settleSpecEdits(stream, { ...this.ctx, streams: this.current });
    for (const p of problems) this.problems.push(`${key}: ${p.message}`);
    if (settled !== stream) this.put(settled);
    return settled;
  }

  put(stream: ImageStream): void {
    const key = streamKey(stream.metadata.namespace ?? '', stream.metadata.name);
    this.current.set(key, stream);
    if (!this.touched.includes(key)) this.touched.push(key);
  }

  /** Every stream, for cross-stream resolution. */
  all(): ReadonlyMap<string, ImageStream> {
    return this.current;
  }

  /** Unresolvable hand edits met while reading. */
  warnings(): string[] {
    return [...this.problems];
  }

  /** Streams written through put(), in first-touch order. */
  changed(): ImageStream[] {
    return this.touched.map((k) => this.current.get(k)).filter((s): s is ImageStream => s !== undefined);
  }
}

/** An empty stream as `oc` sends it for creation. */
export function newStreamSkeleton(namespace: string, name: string): ImageStream {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name, namespace },
    spec: { lookupPolicy: { local: false } },
  };
}

/** Validate a stream name and namespace (§9); throws TagstreamError 'Invalid' worded as oc prints the server's answer. */
export function assertValidStreamName(kind: string, namespace: string, name: string): void {
  const problems = [
    ...validateStreamName(namespace, name).map((p) => `metadata.name: Invalid value: "${name}": ${p}`),
    ...validateNamespace(namespace).map((p) => `metadata.namespace: Invalid value: "${namespace}": ${p}`),
  ];
  if (problems.length > 0) {
    throw new TagstreamError('Invalid', `The ${kind} "${name}" is invalid: ${problems.join(', ')}`);
  }
}

/** `--import-mode` of `oc tag` / `oc import-image` (default Legacy); throws with oc's wording. */
export function importModeFlag(value: string | undefined): ImportMode {
  if (value === undefined || value === 'Legacy') return 'Legacy';
  if (value === 'PreserveOriginal') return 'PreserveOriginal';
  throw new UsageError('valid ImportMode values are Legacy or PreserveOriginal');
}
