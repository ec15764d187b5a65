/**
 * Where to talk to for a reference: the API host (Docker Hub's registry-1.docker.io), the API path
 * (with `library/`), whether the host may use plain HTTP / unverified TLS, and the mirrors to try
 * first. Mirrors follow OpenShift ImageContentSourcePolicy: a `source` prefix (host[/path]) is
 * pulled from `mirror` in configured order, then from the source; recorded references keep the
 * source name.
 */
import { DEFAULT_DOMAIN, registryApiHost, type ImageReference } from '../../domain/image-reference.js';

export interface RegistryMirror {
  /** `host[/path]` prefix of the references to redirect (`quay.io/org`, `docker.io/library/busybox`). */
  readonly source: string;
  /** `host[/path]` to pull from instead. Recorded references keep the source name. */
  readonly mirror: string;
}

export interface Location {
  /** Reference domain (`docker.io`), used for credentials and messages. */
  readonly domain: string;
  /** API host (`registry-1.docker.io`). */
  readonly host: string;
  /** API path (`library/busybox`). */
  readonly path: string;
  /** Plain HTTP / unverified TLS allowed (the call's insecure flag or insecureRegistries). */
  readonly insecure: boolean;
}

/** `https://Host:5000/` -> `Host:5000` (the form insecureRegistries are compared in). */
export function normalizeHostEntry(entry: string): string {
  return entry.trim().replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
}

/** `host[/path]` -> domain + path prefix (`index.docker.io` is `docker.io`). */
function splitPrefix(prefix: string): { domain: string; path: string } {
  const clean = normalizeHostEntry(prefix);
  const slash = clean.indexOf('/');
  const domain = slash === -1 ? clean : clean.slice(0, slash);
  const path = slash === -1 ? '' : clean.slice(slash + 1);
  return { domain: domain === 'index.docker.io' ? DEFAULT_DOMAIN : domain, path };
}

/** The location of one repository. */
export function locationOf(ref: Pick<ImageReference, 'domain' | 'path'>, insecure: boolean, insecureHosts: ReadonlySet<string>): Location {
  let path = ref.path;
  if (ref.domain === DEFAULT_DOMAIN && !path.includes('/')) path = `library/${path}`;
  return { domain: ref.domain, host: registryApiHost(ref.domain), path, insecure: insecure || insecureHosts.has(ref.domain) };
}

/** Mirror locations for a reference, in configured order, then the source itself. */
export function pullLocations(
  ref: Pick<ImageReference, 'domain' | 'path'>,
  mirrors: readonly RegistryMirror[],
  insecure: boolean,
  insecureHosts: ReadonlySet<string>,
): Location[] {
  const out: Location[] = [];
  const name = `${ref.domain}/${ref.path}`;
  for (const m of mirrors) {
    const s = splitPrefix(m.source);
    const prefix = s.path ? `${s.domain}/${s.path}` : s.domain;
    if (name !== prefix && !name.startsWith(`${prefix}/`)) continue;
    const rest = name.slice(prefix.length).replace(/^\//, '');
    const mm = splitPrefix(m.mirror);
    const path = [mm.path, rest].filter(Boolean).join('/');
    if (!path) continue;
    out.push(locationOf({ domain: mm.domain, path }, insecure, insecureHosts));
  }
  out.push(locationOf(ref, insecure, insecureHosts));
  return out;
}
