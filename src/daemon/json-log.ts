/**
 * The daemon's logger: one JSON object per line (`time`, `level`, `msg`, then the fields), for log
 * collectors. Every string is passed through redact() and any value equal to a known secret is
 * replaced, so a credential handed over by mistake never reaches the output.
 */
import { boundedText, redact } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Log, LogLevel } from '../ports/log.js';

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };
/** Longest string a log line carries per field (a registry or helper may answer megabytes). */
const MAX_LOG_STRING = 2000;
/** Field names whose values are dropped whatever they hold. */
const SECRET_KEYS = /^(authorization|password|passwd|token|secret|credentials?|cookie|webhookSecret|gitCredentials)$/i;

export interface JsonLogOptions {
  readonly write: (line: string) => void;
  readonly level: LogLevel;
  readonly clock: Clock;
  /** Exact secret values to mask wherever they appear (webhook secret, git token...). */
  readonly secrets?: readonly string[] | undefined;
  /** Fields of the current context added to every line (the run id, see RunScope). */
  readonly context?: (() => Readonly<Record<string, unknown>> | undefined) | undefined;
}

/** A Log writing JSON lines at or above `level`. */
export function createJsonLog(options: JsonLogOptions): Log {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 4);
  const clean = (text: string): string => {
    let out = redact(text);
    for (const s of secrets) out = out.split(s).join('***');
    return boundedText(out, MAX_LOG_STRING);
  };
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (RANK[level] < RANK[options.level]) return;
    const record: Record<string, unknown> = { time: options.clock.now().toISOString(), level, msg: clean(msg), ...options.context?.() };
    for (const [k, v] of Object.entries(fields ?? {})) {
      if (k === 'time' || k === 'level' || k === 'msg') continue;
      record[k] = SECRET_KEYS.test(k) ? '***' : sanitize(v, clean, 0);
    }
    options.write(`${JSON.stringify(record)}\n`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

/** Deep copy with strings cleaned, errors flattened to their message and code, depth bounded. */
function sanitize(value: unknown, clean: (s: string) => string, depth: number): unknown {
  if (typeof value === 'string') return clean(value);
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? String(value) : value;
  if (depth > 5) return '[…]';
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return typeof code === 'string' ? { message: clean(value.message), code } : { message: clean(value.message) };
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => sanitize(v, clean, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? '***' : sanitize(v, clean, depth + 1);
  return out;
}
