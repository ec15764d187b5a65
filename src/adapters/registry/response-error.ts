/**
 * Turn a registry's error answer into a typed RegistryError: status + the distribution error body
 * (`{"errors":[{"code","message"}]}`) -> NotFound / Unauthorized / Denied / RateLimited /
 * Transient / Protocol, with the registry and repository named. Bodies are quoted shortened and
 * redacted (TagstreamError redacts every message).
 */
import { RegistryError } from '../../errors.js';
import type { HttpResponse } from './transport.js';

export interface ErrorContext {
  /** Reference domain (`docker.io`, `127.0.0.1:5000`). */
  readonly registry: string;
  readonly repository: string;
  /** What was asked for, e.g. `tag "v1"`, `manifest sha256:...`, `blob sha256:...`, `tags`. */
  readonly subject: string;
}

interface DistributionError {
  code?: string;
  message?: string;
}

function distributionErrors(body: Buffer): DistributionError[] {
  if (body.length === 0) return [];
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: unknown };
    return Array.isArray(parsed.errors) ? (parsed.errors as DistributionError[]) : [];
  } catch {
    return [];
  }
}

function shorten(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 200)}...` : one;
}

/** The RegistryError for a non-success response. */
export function responseError(res: Pick<HttpResponse, 'status' | 'body'>, ctx: ErrorContext): RegistryError {
  const errors = distributionErrors(res.body);
  const first = errors[0];
  const code = first?.code?.toUpperCase() ?? '';
  const said = first?.message ? `: ${shorten(first.message)}` : '';
  const where = `${ctx.registry}/${ctx.repository}`;
  const details = { registry: ctx.registry, repository: ctx.repository, status: res.status };
  switch (true) {
    case res.status === 404 || code === 'MANIFEST_UNKNOWN' || code === 'NAME_UNKNOWN' || code === 'BLOB_UNKNOWN': {
      if (code === 'NAME_UNKNOWN') return new RegistryError('RegistryNotFound', `repository ${where} not found${said}`, details);
      return new RegistryError('RegistryNotFound', `${ctx.subject} not found in ${where}${said}`, details);
    }
    case res.status === 401: {
      // Docker Hub answers 401, not 404, for repositories that do not exist.
      const hub = ctx.registry === 'docker.io' ? ' (Docker Hub also answers this for repositories that do not exist)' : '';
      return new RegistryError('RegistryUnauthorized', `unauthorized: access to ${where} was refused${said}${hub}`, details);
    }
    case res.status === 403:
      return new RegistryError('RegistryDenied', `denied: access to ${where} is not allowed${said}`, details);
    case res.status === 429:
      return new RegistryError('RegistryRateLimited', `rate limited by ${ctx.registry} while reading ${ctx.subject} of ${where}${said}`, { ...details, retryable: true });
    case res.status >= 500 || res.status === 408:
      return new RegistryError('RegistryTransient', `${ctx.registry} answered ${res.status} for ${ctx.subject} of ${where}${said}`, { ...details, retryable: true });
    default:
      return new RegistryError('RegistryProtocol', `${ctx.registry} answered ${res.status} for ${ctx.subject} of ${where}${said}`, details);
  }
}
