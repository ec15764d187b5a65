/**
 * Validate a parsed ImageStream object the way the OpenShift API server does (for the fields
 * Tagstream uses) and convert it into a frozen domain ImageStream. Every problem is a
 * ManifestError located at the offending node, worded like OpenShift's field errors
 * (`spec.tags[2].from.kind: Unsupported value: "Foo": valid values are ...`).
 *
 * Scalars where a string is expected but YAML resolved a number or boolean (`- name: 2.0`) keep
 * their source text (`2.0`, not `2`). `oc apply` would reject such a tag (JSON number into a
 * string field); Tagstream accepts it as the text the user wrote, because that is plainly what
 * was meant and every edit Tagstream makes to the file is written back quoted.
 */
import { deepFreeze } from '../domain/deep-freeze.js';
import { ManifestError } from '../errors.js';
import { parseImageReference, redactReference, type ImageReference } from '../domain/image-reference.js';
import { withReference } from '../domain/stream-references.js';
import type {
  ImageStream,
  ImageStreamSpec,
  ImageStreamStatus,
  NamedTagEventList,
  ObjectMeta,
  ObjectReference,
  TagEvent,
  TagEventCondition,
  TagImportPolicy,
  TagReference,
} from '../domain/image-stream.js';
import { validateNamespace, validateStreamName } from '../domain/names.js';
import type { NodePath } from './inventory-model.js';
import { plainLocator, type NodeLocator } from '../edit/node-locator.js';
import { FieldChecker, isObj } from './image-stream-fields.js';

export type ImageStreamParseResult =
  | { readonly ok: true; readonly stream: ImageStream; readonly errors: readonly [] }
  | { readonly ok: false; readonly errors: readonly ManifestError[] };

export interface ImageStreamParseOptions {
  /** Effective namespace (metadata.namespace or the default), for the namespace/name length rule. */
  readonly namespace?: string;
}

export const IMAGE_STREAM_API_VERSIONS: readonly string[] = ['image.openshift.io/v1', 'v1'];
const FROM_KINDS = ['DockerImage', 'ImageStreamImage', 'ImageStreamTag'] as const;
const IMPORT_MODES = ['', 'Legacy', 'PreserveOriginal'] as const;
const REFERENCE_POLICIES = ['', 'Source', 'Local'] as const;

/** Validate and convert; never throws for bad input. */
export function parseImageStream(
  value: unknown,
  locator: NodeLocator = plainLocator(),
  options: ImageStreamParseOptions = {},
): ImageStreamParseResult {
  const v = new Checker(locator);
  const stream = v.imageStream(value, options.namespace);
  if (v.errors.length > 0 || stream === undefined) return { ok: false, errors: v.errors };
  return { ok: true, stream: deepFreeze(stream), errors: [] };
}

/** Like parseImageStream, but throws the first problem (all of them in the message). */
export function toImageStream(value: unknown, locator?: NodeLocator, options?: ImageStreamParseOptions): ImageStream {
  const r = parseImageStream(value, locator, options);
  if (r.ok) return r.stream;
  const first = r.errors[0] as ManifestError;
  if (r.errors.length === 1) throw first;
  const location = first.location ?? { file: '<object>' };
  if (r.errors.every((e) => e.code === 'Invalid')) {
    // one prefix and the field errors as a list, as kubectl prints an aggregate
    const prefix = /^The ImageStream "[^"]*" is invalid: /.exec(first.reason)?.[0] ?? '';
    throw new ManifestError('Invalid', `${prefix}[${r.errors.map((e) => e.reason.slice(prefix.length)).join(', ')}]`, location);
  }
  throw new ManifestError('ManifestSchema', r.errors.map((e) => e.reason).join('; '), location);
}

/** Walks the plain value, checking types and OpenShift rules; collects located errors. */
class Checker extends FieldChecker {
  imageStream(value: unknown, defaultNamespace: string | undefined): ImageStream | undefined {
    this.root = value;
    if (!isObj(value)) return this.shape([], 'expected an ImageStream object (a mapping)');
    const apiVersion = this.str(value.apiVersion, ['apiVersion']);
    if (apiVersion === undefined) this.invalid(['apiVersion'], 'Required value');
    else if (!IMAGE_STREAM_API_VERSIONS.includes(apiVersion)) {
      this.invalid(['apiVersion'], `Unsupported value: "${apiVersion}": supported values: "image.openshift.io/v1", "v1"`);
    }
    if (value.kind !== 'ImageStream') this.invalid(['kind'], `Unsupported value: "${String(value.kind)}": expected "ImageStream"`);
    const metadata = this.metadata(value.metadata, defaultNamespace);
    const spec = this.spec(value.spec);
    const status = this.status(value.status);
    if (metadata === undefined || apiVersion === undefined) return undefined;
    return { apiVersion, kind: 'ImageStream', metadata, spec, ...(status ? { status } : {}) };
  }

  private metadata(v: unknown, defaultNamespace: string | undefined): ObjectMeta | undefined {
    const m = this.obj(v, ['metadata']);
    if (m === undefined) {
      this.invalid(['metadata'], 'Required value');
      return undefined;
    }
    const name = this.str(m.name, ['metadata', 'name']);
    const namespace = this.str(m.namespace, ['metadata', 'namespace']);
    if (namespace !== undefined && namespace !== '') {
      for (const p of validateNamespace(namespace)) this.invalid(['metadata', 'namespace'], `Invalid value: "${namespace}": ${p}`);
    }
    if (name === undefined || name === '') {
      this.invalid(['metadata', 'name'], 'Required value: name or generateName is required');
    } else {
      for (const p of validateStreamName(namespace || defaultNamespace || 'default', name)) {
        this.invalid(['metadata', 'name'], `Invalid value: "${name}": ${p}`);
      }
    }
    const generation = this.int(m.generation, ['metadata', 'generation']);
    const ts = m.creationTimestamp;
    const creationTimestamp = ts === null ? null : this.str(ts, ['metadata', 'creationTimestamp']);
    const labels = this.stringMap(m.labels, ['metadata', 'labels']);
    const annotations = this.stringMap(m.annotations, ['metadata', 'annotations']);
    if (name === undefined) return undefined;
    return {
      name,
      ...(namespace !== undefined && namespace !== '' ? { namespace } : {}),
      ...(generation !== undefined ? { generation } : {}),
      ...(creationTimestamp !== undefined ? { creationTimestamp } : {}),
      ...(labels ? { labels } : {}),
      ...(annotations ? { annotations } : {}),
    };
  }

  private spec(v: unknown): ImageStreamSpec {
    const s = this.obj(v, ['spec']);
    if (s === undefined) return {};
    const out: { -readonly [K in keyof ImageStreamSpec]: ImageStreamSpec[K] } = {};
    const lp = this.obj(s.lookupPolicy, ['spec', 'lookupPolicy']);
    if (lp !== undefined) out.lookupPolicy = { local: this.bool(lp.local, ['spec', 'lookupPolicy', 'local']) ?? false };
    const repo = this.str(s.dockerImageRepository, ['spec', 'dockerImageRepository']);
    let repository: ImageReference | undefined;
    if (repo !== undefined && repo !== '') {
      repository = parsedPullSpec(repo);
      const problem = repositoryProblem(repo, repository);
      if (problem) this.invalid(['spec', 'dockerImageRepository'], `Invalid value: "${redactReference(repo)}": ${problem}`);
      out.dockerImageRepository = repo;
    }
    const tags = this.list(s.tags, ['spec', 'tags']);
    if (tags !== undefined) {
      const seen = new Map<string, number>();
      const refs: TagReference[] = [];
      tags.forEach((t, i) => {
        const ref = this.tagReference(t, ['spec', 'tags', i]);
        if (ref === undefined) return;
        const first = seen.get(ref.name);
        if (first !== undefined) {
          this.invalid(['spec', 'tags', i, 'name'], `Duplicate value: "${ref.name}": defined more than once (spec.tags[${first}] and spec.tags[${i}])`);
        } else seen.set(ref.name, i);
        refs.push(ref);
      });
      out.tags = refs;
    }
    // readers take the parsed repository (repositoryReference) instead of parsing the text again
    return repository ? withReference(out, repository) : out;
  }

  private tagReference(v: unknown, path: NodePath): TagReference | undefined {
    const t = this.obj(v, path);
    if (t === undefined) return this.shape(path, 'expected a tag (a mapping with "name")');
    const name = this.str(t.name, [...path, 'name']);
    if (name === undefined || name === '') this.invalid([...path, 'name'], 'Required value');
    else if (name.includes(':') || name.includes('/') || name.includes('@')) {
      // Tags are addressed as <stream>:<tag>, so these characters make the tag unreachable.
      this.invalid([...path, 'name'], `Invalid value: "${name}": may not contain ':', '/' or '@'`);
    }
    const annotations = t.annotations === null ? null : this.stringMap(t.annotations, [...path, 'annotations']);
    const from = this.from(t.from, [...path, 'from']);
    const reference = this.bool(t.reference, [...path, 'reference']);
    const generation = t.generation === null ? null : this.int(t.generation, [...path, 'generation']);
    const importPolicy = this.importPolicy(t.importPolicy, [...path, 'importPolicy'], from);
    const rp = this.obj(t.referencePolicy, [...path, 'referencePolicy']);
    let referencePolicy: TagReference['referencePolicy'];
    if (rp !== undefined) {
      const type = this.str(rp.type, [...path, 'referencePolicy', 'type']) ?? '';
      if (!(REFERENCE_POLICIES as readonly string[]).includes(type)) {
        this.invalid([...path, 'referencePolicy', 'type'], `valid values are "Source", "Local"; got "${type}"`);
      }
      referencePolicy = { type: type as (typeof REFERENCE_POLICIES)[number] };
    }
    if (name === undefined) return undefined;
    return {
      name,
      ...(annotations !== undefined ? { annotations } : {}),
      ...(from ? { from } : {}),
      ...(reference !== undefined ? { reference } : {}),
      ...(generation !== undefined ? { generation } : {}),
      ...(importPolicy ? { importPolicy } : {}),
      ...(referencePolicy ? { referencePolicy } : {}),
    };
  }

  private from(v: unknown, path: NodePath): ObjectReference | undefined {
    const f = this.obj(v, path);
    if (f === undefined) return undefined;
    const kind = this.str(f.kind, [...path, 'kind']);
    const name = this.str(f.name, [...path, 'name']);
    const namespace = this.str(f.namespace, [...path, 'namespace']);
    if (kind === undefined || kind === '') this.invalid([...path, 'kind'], 'Required value');
    else if (!(FROM_KINDS as readonly string[]).includes(kind)) {
      this.invalid([...path, 'kind'], `Unsupported value: "${kind}": valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag'`);
    }
    let parsed: ImageReference | undefined;
    if (name === undefined || name === '') this.invalid([...path, 'name'], 'Required value');
    else if (kind === 'DockerImage') {
      parsed = parsedPullSpec(name);
      if (!parsed) this.invalid([...path, 'name'], `Invalid value: "${redactReference(name)}": ${referenceFormatProblem(name)}`);
    } else if (kind === 'ImageStreamImage' && !/^[^@]+@[^@]+$/.test(name)) {
      this.invalid([...path, 'name'], `Invalid value: "${name}": must be of the form <stream>@<id>`);
    } else if (kind === 'ImageStreamTag' && (name.split(':').length > 2 || name.endsWith(':') || name.startsWith(':'))) {
      this.invalid([...path, 'name'], `Invalid value: "${name}": must be of the form [<stream>:]<tag>`);
    }
    if (kind === undefined || name === undefined) return undefined;
    const from = { kind, name, ...(namespace !== undefined && namespace !== '' ? { namespace } : {}) };
    // parsed once, here where it enters: import planning and update targets read this value
    return parsed ? withReference(from, parsed) : from;
  }

  private importPolicy(v: unknown, path: NodePath, from: ObjectReference | undefined): TagImportPolicy | undefined {
    const p = this.obj(v, path);
    if (p === undefined) return undefined;
    const insecure = this.bool(p.insecure, [...path, 'insecure']);
    const scheduled = this.bool(p.scheduled, [...path, 'scheduled']);
    const importMode = this.str(p.importMode, [...path, 'importMode']);
    if (importMode !== undefined && !(IMPORT_MODES as readonly string[]).includes(importMode)) {
      this.invalid([...path, 'importMode'], `invalid import mode, valid modes are '', 'Legacy', 'PreserveOriginal'; got "${importMode}"`);
    }
    if (scheduled === true && from !== undefined && from.kind !== 'DockerImage') {
      this.invalid([...path, 'scheduled'], 'only tags pointing to Docker repositories may be scheduled for background import');
    }
    return {
      ...(insecure !== undefined ? { insecure } : {}),
      ...(scheduled !== undefined ? { scheduled } : {}),
      ...(importMode !== undefined ? { importMode: importMode as (typeof IMPORT_MODES)[number] } : {}),
    };
  }

  private status(v: unknown): ImageStreamStatus | undefined {
    const s = this.obj(v, ['status']);
    if (s === undefined) return undefined;
    const dockerImageRepository = this.str(s.dockerImageRepository, ['status', 'dockerImageRepository']);
    const publicDockerImageRepository = this.str(s.publicDockerImageRepository, ['status', 'publicDockerImageRepository']);
    const list = this.list(s.tags, ['status', 'tags']);
    let tags: NamedTagEventList[] | undefined;
    if (list !== undefined) {
      tags = [];
      list.forEach((t, i) => {
        const named = this.namedTagEventList(t, ['status', 'tags', i]);
        if (named) tags?.push(named);
      });
    }
    return {
      ...(dockerImageRepository !== undefined ? { dockerImageRepository } : {}),
      ...(publicDockerImageRepository !== undefined ? { publicDockerImageRepository } : {}),
      ...(tags ? { tags } : {}),
    };
  }

  private namedTagEventList(v: unknown, path: NodePath): NamedTagEventList | undefined {
    const t = this.obj(v, path);
    if (t === undefined) return this.shape(path, 'expected a status tag (a mapping with "tag")');
    const tag = this.str(t.tag, [...path, 'tag']);
    if (tag === undefined || tag === '') this.invalid([...path, 'tag'], 'Required value');
    const rawItems = this.list(t.items, [...path, 'items']);
    const items: TagEvent[] = [];
    rawItems?.forEach((item, i) => {
      const e = this.tagEvent(item, [...path, 'items', i]);
      if (e) items.push(e);
    });
    const rawConditions = this.list(t.conditions, [...path, 'conditions']);
    const conditions: TagEventCondition[] = [];
    rawConditions?.forEach((c, i) => {
      const cond = this.condition(c, [...path, 'conditions', i]);
      if (cond) conditions.push(cond);
    });
    if (tag === undefined) return undefined;
    return { tag, items: rawItems === undefined ? null : items, ...(rawConditions ? { conditions } : {}) };
  }

  private tagEvent(v: unknown, path: NodePath): TagEvent | undefined {
    const e = this.obj(v, path);
    if (e === undefined) return this.shape(path, 'expected a tag event (a mapping)');
    const created = this.str(e.created, [...path, 'created']) ?? '';
    const dockerImageReference = this.str(e.dockerImageReference, [...path, 'dockerImageReference']);
    if (dockerImageReference === undefined || dockerImageReference === '') {
      this.invalid([...path, 'dockerImageReference'], 'Required value');
    }
    const image = this.str(e.image, [...path, 'image']) ?? '';
    const generation = this.int(e.generation, [...path, 'generation']) ?? 0;
    if (dockerImageReference === undefined) return undefined;
    return { created, dockerImageReference, image, generation };
  }

  private condition(v: unknown, path: NodePath): TagEventCondition | undefined {
    const c = this.obj(v, path);
    if (c === undefined) return this.shape(path, 'expected a condition (a mapping)');
    const type = this.str(c.type, [...path, 'type']);
    const status = this.str(c.status, [...path, 'status']);
    if (type !== 'ImportSuccess') this.invalid([...path, 'type'], `Unsupported value: "${type ?? ''}": supported values: "ImportSuccess"`);
    if (status !== 'True' && status !== 'False' && status !== 'Unknown') {
      this.invalid([...path, 'status'], `Unsupported value: "${status ?? ''}": supported values: "False", "True", "Unknown"`);
    }
    const lastTransitionTime = this.str(c.lastTransitionTime, [...path, 'lastTransitionTime']);
    const reason = this.str(c.reason, [...path, 'reason']);
    const message = this.str(c.message, [...path, 'message']);
    const generation = this.int(c.generation, [...path, 'generation']) ?? 0;
    if (type !== 'ImportSuccess' || (status !== 'True' && status !== 'False' && status !== 'Unknown')) return undefined;
    return {
      type,
      status,
      generation,
      ...(lastTransitionTime !== undefined ? { lastTransitionTime } : {}),
      ...(reason !== undefined ? { reason } : {}),
      ...(message !== undefined ? { message } : {}),
    };
  }
}

/**
 * Why a pull spec (`from.name` of a DockerImage tag) is not a Docker reference. The one grammar
 * (parseImageReference, parsedPullSpec) decides; the message keeps the API server's wording.
 * Userinfo (`user:pass@host/…`) is named as such; the value itself is only ever shown redacted.
 */
function referenceFormatProblem(ref: string): string {
  return redactReference(ref) === ref ? 'invalid reference format' : 'invalid reference format: it contains credentials (user:password@); put them in the registry credentials (Docker config) instead';
}

function parsedPullSpec(ref: string): ImageReference | undefined {
  try {
    return parseImageReference(ref);
  } catch {
    return undefined;
  }
}

/** Why `spec.dockerImageRepository` is not a bare repository (OpenShift wording), or undefined. */
function repositoryProblem(ref: string, parsed: ImageReference | undefined): string | undefined {
  if (parsed === undefined) return referenceFormatProblem(ref);
  if (parsed.digest !== null) return 'the repository name may not contain an ID';
  if (parsed.tag !== null) return 'the repository name may not contain a tag';
  return undefined;
}

