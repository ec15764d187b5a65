/**
 * Which stored credential answers for an image: docker CLI order (exact key, then keys reduced to
 * host[:port]) and containers/image order (namespaced keys, most specific first), kubelet wildcards.
 */
import type { RegistryCredential } from './credential-types.js';
import type { DockerAuthConfig } from './docker-config.js';

/** Where docker stores Docker Hub credentials, and the server URL its helpers are asked for. */
export const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** `docker.io`, `index.docker.io`, `registry-1.docker.io` are one registry. */
export function canonicalHost(host: string): string {
  const h = host.toLowerCase();
  return DOCKER_HUB_ALIASES.has(h) ? 'docker.io' : h;
}

/**
 * A key as written (`https://index.docker.io/v1/`, `quay.io/org/repo`, `http://host:5000/v2/`) to
 * `host[:port][/namespace]`: scheme dropped, a `/v1/` or `/v2/` API path dropped, host canonical.
 */
export function normalizeAuthKey(key: string): string {
  const noScheme = key.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = noScheme.indexOf('/');
  const host = canonicalHost(slash < 0 ? noScheme : noScheme.slice(0, slash));
  const path = slash < 0 ? '' : noScheme.slice(slash + 1).replace(/^v[12](\/|$)/, '').replace(/\/+$/, '');
  return path === '' ? host : `${host}/${path}`;
}

/** Lookup names for an image, most specific first: `quay.io/org/repo`, `quay.io/org`, `quay.io`. */
export function lookupOrder(registry: string, repository: string): string[] {
  const host = canonicalHost(registry);
  const parts = repository.split('/').filter((p) => p !== '');
  const names: string[] = [];
  for (let i = parts.length; i > 0; i--) names.push(`${host}/${parts.slice(0, i).join('/')}`);
  names.push(host);
  return names;
}

/**
 * The credential for the first name that has one; an exact key wins over a normalized one. Empty
 * entries (`{}`, written by docker when a helper holds the secret) are skipped so helpers answer.
 */
export function findAuth(config: DockerAuthConfig, registry: string, names: readonly string[]): RegistryCredential | undefined {
  const host = canonicalHost(registry);
  const usable = (c: RegistryCredential | undefined): RegistryCredential | undefined => (c && Object.keys(c).length > 0 ? c : undefined);
  for (const name of names) {
    const exact = name === host && host === 'docker.io' ? [DOCKER_HUB_KEY, name] : [name];
    for (const key of exact) {
      const hit = usable(config.auths.get(key));
      if (hit) return hit;
    }
    for (const [key, value] of config.auths) {
      const hit = normalizeAuthKey(key) === name ? usable(value) : undefined;
      if (hit) return hit;
    }
    for (const [key, value] of config.auths) {
      const hit = key.includes('*') && globKeyMatches(normalizeAuthKey(key), name) ? usable(value) : undefined;
      if (hit) return hit;
    }
  }
  return undefined;
}

/**
 * kubelet's pull-secret wildcards: `*.example.com` matches one DNS label per `*` segment; the label
 * count and the port must match exactly, and the namespace part must be equal.
 */
function globKeyMatches(pattern: string, name: string): boolean {
  const split = (s: string): [string, string, string] => {
    const slash = s.indexOf('/');
    const hostPort = slash < 0 ? s : s.slice(0, slash);
    const colon = hostPort.lastIndexOf(':');
    return [colon < 0 ? hostPort : hostPort.slice(0, colon), colon < 0 ? '' : hostPort.slice(colon), slash < 0 ? '' : s.slice(slash)];
  };
  const [pHost, pPort, pPath] = split(pattern);
  const [nHost, nPort, nPath] = split(name);
  if (pPort !== nPort || pPath !== nPath) return false;
  const pLabels = pHost.split('.');
  const nLabels = nHost.split('.');
  if (pLabels.length !== nLabels.length) return false;
  return pLabels.every((label, i) => {
    const re = new RegExp(`^${label.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^.]*')}$`);
    return re.test(nLabels[i] ?? '');
  });
}

export function helperFor(config: DockerAuthConfig, registry: string): { helper: string; explicit: boolean } | undefined {
  const host = canonicalHost(registry);
  for (const [key, helper] of config.credHelpers) if (normalizeAuthKey(key) === host) return { helper, explicit: true };
  return config.credsStore ? { helper: config.credsStore, explicit: false } : undefined;
}

