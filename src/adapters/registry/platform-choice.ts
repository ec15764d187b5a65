/**
 * Which child of an index / manifest list to pin under importMode Legacy, as OpenShift's importer
 * chooses (imagestreams.md §3.3): the tag's prefer-arch / prefer-os annotations, else the configured
 * platform (OpenShift: the API server's GOOS/GOARCH), else linux/amd64, else the first entry.
 * Attestation manifests (platform unknown/unknown, BuildKit reference annotations) are never chosen.
 */
import { TagstreamError } from '../../errors.js';
import type { Platform } from '../../ports/registry.js';

export interface IndexEntry {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly platform?: Platform | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
}

export interface PlatformPreference {
  readonly preferArch?: string | undefined;
  readonly preferOs?: string | undefined;
}

export const DEFAULT_PLATFORM: Platform = Object.freeze({ os: 'linux', architecture: 'amd64' });

function isAttestation(e: IndexEntry): boolean {
  if (e.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') return true;
  return e.platform?.os === 'unknown' && e.platform.architecture === 'unknown';
}

function matches(e: IndexEntry, os: string, architecture: string, variant: string | undefined): boolean {
  if (!e.platform) return false;
  if (e.platform.os !== os || e.platform.architecture !== architecture) return false;
  return variant === undefined || variant === '' || e.platform.variant === variant;
}

/** True when the entry is for `p`: same os and architecture, and the variant when `p` names one. */
export function matchesPlatform(e: IndexEntry, p: Platform): boolean {
  return matches(e, p.os, p.architecture, p.variant);
}

/**
 * Pick the platform manifest; undefined only when the index has no usable entry.
 * Mirrors openshift-apiserver `manifestFromManifestList`: each annotation overrides one field of
 * the configured platform, the first os+architecture match wins, then linux/amd64, then the first
 * entry. A configured variant (OpenShift has none) only ranks the os+architecture matches.
 */
export function choosePlatformEntry(
  entries: readonly IndexEntry[],
  configured: Platform = DEFAULT_PLATFORM,
  preference: PlatformPreference = {},
): IndexEntry | undefined {
  const candidates = entries.filter((e) => !isAttestation(e));
  const preferArch = preference.preferArch?.trim() || undefined;
  const preferOs = preference.preferOs?.trim() || undefined;
  const os = preferOs ?? configured.os;
  const arch = preferArch ?? configured.architecture;
  // A variant only makes sense with the configured architecture it was written for.
  const variant = preferArch === undefined ? configured.variant : undefined;
  return (
    (variant ? candidates.find((e) => matches(e, os, arch, variant)) : undefined) ??
    candidates.find((e) => matches(e, os, arch, undefined)) ??
    candidates.find((e) => matches(e, 'linux', 'amd64', undefined)) ??
    candidates[0]
  );
}

/** `linux/arm64/v8` -> Platform; throws on malformed input. */
export function parsePlatform(text: string): Platform {
  const parts = text.split('/');
  const [os, architecture, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || !os || !architecture || (parts.length === 3 && !variant)) {
    throw new TagstreamError('Invalid', `invalid platform "${text}": expected os/architecture[/variant]`);
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** `linux/arm64/v8` */
export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}
