/** The registry client's counters: requests by kind, status and host, retries, and pull quotas. */
import { headerValue, type HttpResponse } from './http-exchange.js';

export interface RegistryStats {
  requests: number;
  ping: number;
  token: number;
  manifestHead: number;
  manifestGet: number;
  manifestPut: number;
  blobHead: number;
  blobGet: number;
  blobUpload: number;
  blobMount: number;
  tagsList: number;
  retries: number;
  /** Responses by HTTP status (`"200"`, `"401"`), plus `"network"` for failed exchanges. */
  byStatus: Record<string, number>;
  /** The same by registry host; hosts past MAX_STATS_HOSTS count as `other` (bounded metric labels). */
  byHost: Record<string, Record<string, number>>;
  /** Pull quota as last reported (`ratelimit-remaining` / `ratelimit-limit`, Docker Hub). */
  rateLimits: Record<string, { remaining: number; limit: number | undefined }>;
}

/** Pulls kept in reserve: a tenth of the window's limit, at least 2 (a manual `docker pull` still works). */
export function quotaReserve(limit: number | undefined): number {
  return Math.max(2, Math.floor((limit ?? 0) / 10));
}

/** Distinct hosts counted by name in `byHost`; the rest are `other`. */
export const MAX_STATS_HOSTS = 20;

export function emptyStats(): RegistryStats {
  return {
    requests: 0, ping: 0, token: 0, manifestHead: 0, manifestGet: 0, manifestPut: 0,
    blobHead: 0, blobGet: 0, blobUpload: 0, blobMount: 0, tagsList: 0, retries: 0, byStatus: {}, byHost: {}, rateLimits: {},
  };
}

/**
 * Docker Hub's pull quota headers (`ratelimit-limit: 100;w=21600`, `ratelimit-remaining: 76;w=21600`):
 * the number before `;`. Undefined when the response has no `ratelimit-remaining`.
 */
export function parseRateLimit(headers: HttpResponse['headers']): { remaining: number; limit: number | undefined } | undefined {
  // most registries send no quota headers: no closure and no regex per response then (#16 client CPU per HEAD)
  if (headers['ratelimit-remaining'] === undefined) return undefined;
  const num = (name: string): number | undefined => {
    const m = /^\s*(\d+)/.exec(headerValue(headers, name) ?? '');
    return m === null ? undefined : Number(m[1]);
  };
  const remaining = num('ratelimit-remaining');
  return remaining === undefined ? undefined : { remaining, limit: num('ratelimit-limit') };
}
