/**
 * `lookupPolicy.local` and `alpha.image.policy.openshift.io/resolve-names` (apiserver-library-go
 * ImagePolicy admission): short image names in a workload are pinned to what the namespace's
 * ImageStreamTag points at. In Git the short name would be lost once pinned, so every pin also
 * records an image change trigger for that container in `image.openshift.io/triggers`; later
 * reconciles then follow the tag, and the same YAML behaves the same on OpenShift.
 */
import type { SourceLocation, TagstreamError } from '../errors.js';
import { containerNameFieldPath, findContainer, parseFieldPath } from '../domain/field-path.js';
import { isParsed } from '../domain/image-reference.js';
import { streamKey } from '../domain/image-stream.js';
import {
  allContainers,
  podSpecFieldPath,
  podTemplateMetadataPath,
  supportsAnnotationTriggers,
  valueAt,
  type ContainerSlot,
  type ObjectPath,
} from '../domain/pod-spec.js';
import {
  imageStreamTagTrigger,
  parseTriggerAnnotation,
  serializeTriggerAnnotation,
  TRIGGER_ANNOTATION,
  type ObjectFieldTrigger,
} from '../domain/trigger.js';
import { parseOpenShiftReference } from '../domain/tag-source.js';
import {
  containerLabel,
  resolveLatestTaggedImage,
  triggerAnnotationOf,
  type FieldChange,
  type ResolveOptions,
  type StreamIndex,
  type TriggerWorkload,
} from './apply-triggers.js';

export { RESOLVE_NAMES_ANNOTATION } from '../domain/pod-spec.js';
import { RESOLVE_NAMES_ANNOTATION } from '../domain/pod-spec.js';

/** A new value for an annotation (the whole JSON string), relative to the object root. */
export interface AnnotationChange {
  readonly path: ObjectPath;
  /** undefined when the annotation does not exist yet. */
  readonly from: string | undefined;
  readonly to: string;
}

export interface LookupPlan {
  readonly changes: readonly FieldChange[];
  /** The trigger annotation with one trigger added per pinned container (oc's serialization). */
  readonly annotation?: AnnotationChange | undefined;
  readonly errors: readonly TagstreamError[];
  /** Things worth telling the user (pins that cannot be followed afterwards, ...). */
  readonly notes: readonly string[];
}

export interface LookupOptions extends ResolveOptions {
  readonly annotationLocation?: SourceLocation | undefined;
}

/** An image reference split the way library-go's `reference.Parse` does (no normalization). */
export interface OpenShiftReferenceParts {
  readonly registry: string;
  readonly namespace: string;
  readonly name: string;
  readonly tag: string;
  readonly digest: string;
}

/** Split a reference like OpenShift (`mysql:8` -> name `mysql`); undefined when it does not parse. */
export function openshiftReferenceParts(image: string): OpenShiftReferenceParts | undefined {
  try {
    const { id, ...parts } = parseOpenShiftReference(image);
    return { ...parts, digest: id };
  } catch {
    return undefined;
  }
}

function annotationsAt(object: unknown, metadataPath: readonly string[]): Readonly<Record<string, unknown>> {
  const a = valueAt(object, [...metadataPath, 'annotations']);
  return a !== null && typeof a === 'object' && !Array.isArray(a) ? (a as Record<string, unknown>) : {};
}

/** `resolve-names: "*"` on the object or on its pod template forces local resolution of every image. */
export function resolveNamesForced(object: unknown, kind: string): boolean {
  if (annotationsAt(object, ['metadata'])[RESOLVE_NAMES_ANNOTATION] === '*') return true;
  const template = podTemplateMetadataPath(kind);
  return template !== undefined && annotationsAt(object, template)[RESOLVE_NAMES_ANNOTATION] === '*';
}

/** Objects controlled by another object are skipped by admission (it rewrites their owner). */
export function hasControllerOwner(object: unknown): boolean {
  const refs = valueAt(object, ['metadata', 'ownerReferences']);
  return Array.isArray(refs) && refs.some((r: unknown) => r !== null && typeof r === 'object' && (r as Record<string, unknown>)['controller'] === true);
}

export interface LocalResolution {
  readonly to: string;
  readonly stream: string;
  readonly tag: string;
}

/**
 * Rules 1-7 for one image string in `namespace`: the pinned value, or undefined when admission
 * would leave the image unchanged.
 */
export function resolveLocalName(
  image: string,
  namespace: string,
  streams: StreamIndex,
  forced: boolean,
  opts: ResolveOptions = {},
): LocalResolution | undefined {
  const parts = openshiftReferenceParts(image);
  if (!parts) return undefined; // rule 5: resolution errors are ignored (policy Attempt)
  if (parts.digest !== '') return undefined; // rule 7
  if (!forced && (parts.registry !== '' || parts.namespace !== '')) return undefined; // rule 6
  const entry = streams.get(streamKey(namespace, parts.name));
  if (!entry) return undefined;
  if (!forced && entry.stream.spec.lookupPolicy?.local !== true) return undefined; // rule 4
  const tag = parts.tag || 'latest'; // rule 1
  const resolved = resolveLatestTaggedImage(entry.stream, namespace, tag, opts);
  if (resolved && resolved.image !== '') {
    // rule 2: the reference-policy-resolved pull spec, tag removed, pinned by digest
    if (!isParsed(resolved.pullSpec)) return undefined;
    return { to: `${resolved.pullSpec.repository}@${resolved.image}`, stream: parts.name, tag };
  }
  // rule 3: the tag is missing (or has no image): `<status.dockerImageRepository>:<tag>` when the
  // stream has a repository, which in Tagstream means a configured Local registry.
  const repository = opts.localRepository?.(namespace, parts.name);
  return repository ? { to: `${repository}:${tag}`, stream: parts.name, tag } : undefined;
}

/**
 * Resolve the short names of a workload as admission would, and record a trigger for each pinned
 * container so it keeps following the tag. Containers already covered by a trigger are left to
 * the trigger.
 */
export function resolveLocalNames(workload: TriggerWorkload, streams: StreamIndex, opts: LookupOptions = {}): LookupPlan {
  const specPath = podSpecFieldPath(workload.kind);
  if (!specPath || hasControllerOwner(workload.object)) return { changes: [], errors: [], notes: [] };
  const forced = resolveNamesForced(workload.object, workload.kind);
  const objectName = `${workload.kind} ${workload.namespace}/${workload.name}`;
  const canRecord = supportsAnnotationTriggers(workload.kind);

  const raw = canRecord ? triggerAnnotationOf(workload) : undefined;
  let existing: readonly ObjectFieldTrigger[] = [];
  if (raw !== undefined) {
    const location = opts.annotationLocation ?? workload.site?.location ?? { file: '<unknown>' };
    const parsed = parseTriggerAnnotation(raw, location);
    if (!parsed.ok) {
      // Pinning without recording would lose the short name for good: leave the object alone.
      return { changes: [], errors: [parsed.error], notes: [] };
    }
    existing = parsed.triggers;
  }
  const covered = coveredContainers(workload, specPath, existing);

  const changes: FieldChange[] = [];
  const added: ObjectFieldTrigger[] = [];
  const notes: string[] = [];
  for (const c of allContainers(workload.object, workload.kind)) {
    if (typeof c.image !== 'string' || covered.has(slotKey(c))) continue;
    const r = resolveLocalName(c.image, workload.namespace, streams, forced, opts);
    if (!r || r.to === c.image) continue;
    const trigger = `${workload.namespace}/${r.stream}:${r.tag}`;
    if (canRecord && c.name === undefined) {
      notes.push(`${objectName}: ${containerLabel(c)} has no name, so no trigger can follow ${trigger}; left unpinned`);
      continue;
    }
    changes.push({ path: c.imagePath, from: c.image, to: r.to, trigger, reason: 'local-lookup', container: containerLabel(c) });
    if (canRecord && c.name !== undefined) {
      added.push(imageStreamTagTrigger(r.stream, r.tag, containerNameFieldPath(specPath, c.name)));
    } else {
      notes.push(`${objectName}: ${containerLabel(c)} pinned to ${r.to}; ${workload.kind} has no trigger annotation, add an ImageChange trigger to keep following ${trigger}`);
    }
  }
  if (added.length === 0) return { changes, errors: [], notes };
  const annotation: AnnotationChange = {
    path: ['metadata', 'annotations', TRIGGER_ANNOTATION],
    from: raw,
    to: serializeTriggerAnnotation([...existing, ...added]),
  };
  return { changes, annotation, errors: [], notes };
}

/** Containers an existing (valid, in-pod-spec) trigger already points at. */
function coveredContainers(workload: TriggerWorkload, specPath: string, triggers: readonly ObjectFieldTrigger[]): Set<string> {
  const covered = new Set<string>();
  for (const t of triggers) {
    const fp = parseFieldPath(t.fieldPath, specPath);
    if (fp.kind !== 'container') continue;
    const found = findContainer(workload.object, workload.kind, fp.path);
    if (found) covered.add(slotKey(found));
  }
  return covered;
}

function slotKey(c: ContainerSlot): string {
  return `${c.list}[${c.index}]`;
}
