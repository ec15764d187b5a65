/**
 * How long registries may take (#12.5), read once from the environment by every entry point
 * (the daemon also takes them as `--registry-timeout` / `--run-timeout`, see daemon-settings.ts):
 * `TAGSTREAM_REGISTRY_TIMEOUT` bounds one registry request from start to last byte (retries
 * included; default 60s), `TAGSTREAM_RUN_TIMEOUT` bounds all registry requests of one run (default
 * 15m). Go-style durations (`90s`, `2m`). A registry that trickles bytes fails its tag, not the run.
 */
import { TagstreamError } from '../errors.js';
import { parseDuration } from './duration.js';

export interface RegistryDeadlines {
  /** Total deadline of one registry request (all attempts), in ms. */
  readonly requestTimeoutMs: number;
  /** Bound on the registry requests of one run, in ms. */
  readonly runTimeoutMs: number;
}

export const REGISTRY_TIMEOUT_ENV = 'TAGSTREAM_REGISTRY_TIMEOUT';
export const RUN_TIMEOUT_ENV = 'TAGSTREAM_RUN_TIMEOUT';
export const DEFAULT_REGISTRY_DEADLINES: RegistryDeadlines = Object.freeze({ requestTimeoutMs: 60_000, runTimeoutMs: 15 * 60_000 });

/** Milliseconds of one deadline as written in `from` (a variable, a flag, a config key); a Config error names `from`. */
export function parseDeadline(text: string, from: string): number {
  const trimmed = text.trim();
  const ms = parseDuration(trimmed);
  if (ms === undefined || ms <= 0) {
    throw new TagstreamError('Config', `${from}: expected a positive duration such as 60s or 15m, got ${JSON.stringify(trimmed.slice(0, 40))}`);
  }
  return ms;
}

function durationFrom(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number): number {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return fallback;
  return parseDeadline(text, name);
}

/** The deadlines set in `env`, else the defaults; a malformed value is a Config error naming the variable. */
export function registryDeadlines(env: Readonly<Record<string, string | undefined>>): RegistryDeadlines {
  return {
    requestTimeoutMs: durationFrom(env, REGISTRY_TIMEOUT_ENV, DEFAULT_REGISTRY_DEADLINES.requestTimeoutMs),
    runTimeoutMs: durationFrom(env, RUN_TIMEOUT_ENV, DEFAULT_REGISTRY_DEADLINES.runTimeoutMs),
  };
}
