/**
 * The ImageStream model (image.openshift.io/v1), as OpenShift defines it. Plain, immutable data;
 * the rules that change it live in their own files (tag-event.ts, generation.ts, ...).
 * Field names follow the API exactly so the model maps 1:1 onto YAML.
 */

export type TagFromKind = 'DockerImage' | 'ImageStreamTag' | 'ImageStreamImage';
export type ImportMode = 'Legacy' | 'PreserveOriginal';
export type ReferencePolicyType = 'Source' | 'Local';

export interface ObjectReference {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string | undefined;
}

export interface TagImportPolicy {
  readonly insecure?: boolean | undefined;
  readonly scheduled?: boolean | undefined;
  readonly importMode?: ImportMode | '' | undefined;
}

export interface TagReference {
  readonly name: string;
  readonly annotations?: Readonly<Record<string, string>> | null | undefined;
  readonly from?: ObjectReference | undefined;
  readonly reference?: boolean | undefined;
  readonly generation?: number | null | undefined;
  readonly importPolicy?: TagImportPolicy | undefined;
  readonly referencePolicy?: { readonly type: ReferencePolicyType | '' } | undefined;
}

export interface TagEvent {
  /** RFC 3339 timestamp. */
  readonly created: string;
  readonly dockerImageReference: string;
  /** Manifest digest `sha256:...`; empty for reference tags. */
  readonly image: string;
  readonly generation: number;
}

export interface TagEventCondition {
  readonly type: 'ImportSuccess';
  readonly status: 'True' | 'False' | 'Unknown';
  readonly lastTransitionTime?: string | undefined;
  readonly reason?: string | undefined;
  readonly message?: string | undefined;
  readonly generation: number;
}

export interface NamedTagEventList {
  readonly tag: string;
  readonly items: readonly TagEvent[] | null;
  readonly conditions?: readonly TagEventCondition[] | undefined;
}

export interface ImageStreamSpec {
  readonly lookupPolicy?: { readonly local: boolean } | undefined;
  readonly dockerImageRepository?: string | undefined;
  readonly tags?: readonly TagReference[] | undefined;
}

export interface ImageStreamStatus {
  readonly dockerImageRepository?: string | undefined;
  readonly publicDockerImageRepository?: string | undefined;
  readonly tags?: readonly NamedTagEventList[] | undefined;
}

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string | undefined;
  readonly generation?: number | undefined;
  readonly creationTimestamp?: string | null | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
}

export interface ImageStream {
  readonly apiVersion: string;
  readonly kind: 'ImageStream';
  readonly metadata: ObjectMeta;
  readonly spec: ImageStreamSpec;
  readonly status?: ImageStreamStatus | undefined;
}

/** Annotation written on a stream by the last import that changed it (RFC 3339). */
export const DOCKER_REPOSITORY_CHECK_ANNOTATION = 'openshift.io/image.dockerRepositoryCheck';
export const INSECURE_REPOSITORY_ANNOTATION = 'openshift.io/image.insecureRepository';
export const PREFER_ARCH_ANNOTATION = 'importer.image.openshift.io/prefer-arch';
export const PREFER_OS_ANNOTATION = 'importer.image.openshift.io/prefer-os';

/** `namespace/name`, the key ImageStreams are indexed by. */
export function streamKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function findSpecTag(stream: ImageStream, tag: string): TagReference | undefined {
  return stream.spec.tags?.find((t) => t.name === tag);
}

export function findStatusTag(stream: ImageStream, tag: string): NamedTagEventList | undefined {
  return stream.status?.tags?.find((t) => t.tag === tag);
}

/** items[0] of a status tag: the tag's current image, or undefined when it has no history. */
export function latestTagEvent(stream: ImageStream, tag: string): TagEvent | undefined {
  return findStatusTag(stream, tag)?.items?.[0];
}
