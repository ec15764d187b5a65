/**
 * The GitHub Actions runner protocol, written out rather than taken from `@actions/core`: it is
 * ~100 lines, and owning it keeps every sink injected (tests read exactly what the runner would),
 * keeps the bundle small, and lets the output delimiter be checked against the value.
 *
 * - workflow commands on stdout: `::name key=value,...::message` with the runner's escaping;
 * - outputs and the job summary appended to the files named by GITHUB_OUTPUT / GITHUB_STEP_SUMMARY,
 *   outputs in the `name<<DELIMITER` heredoc form so multi-line values survive.
 */
import { randomBytes } from 'node:crypto';
import { redact } from '../errors.js';
import type { Log } from '../ports/log.js';

/** Escape a command's message (what follows the second `::`). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escape a command property value (`file=...`). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One workflow command line (without the newline). */
export function formatCommand(name: string, properties: Readonly<Record<string, string | number | undefined>>, message: string): string {
  const props = Object.entries(properties)
    .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface AnnotationLocation {
  readonly file?: string | undefined;
  readonly line?: number | undefined;
  readonly col?: number | undefined;
  readonly title?: string | undefined;
}

/** `::error file=…,line=…,col=…::message`, the form the runner turns into a PR annotation. */
export function formatAnnotation(level: AnnotationLevel, message: string, location: AnnotationLocation = {}): string {
  return formatCommand(level, { title: location.title, file: location.file, line: location.line, col: location.col }, redact(message));
}

/** A `name<<DELIM` … `DELIM` block for GITHUB_OUTPUT; refuses a delimiter that occurs in the value. */
export function formatOutput(name: string, value: string, delimiter: string): string {
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`output "${name}": the value contains the heredoc delimiter`);
  }
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

/** What the runner gives a step; injected so tests can capture every byte. */
export interface RunnerIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Write one line to the step log. */
  readonly writeLine: (line: string) => void;
  /** Append to a file (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY). */
  readonly appendFile: (path: string, data: string) => void;
  /** Unique heredoc delimiters; default random. */
  readonly delimiter?: (() => string) | undefined;
}

/** A step's view of the runner: logging, masking, outputs, summary, groups. */
export class WorkflowRunner {
  private readonly masked = new Set<string>();
  private failed = false;

  constructor(private readonly io: RunnerIo) {}

  /** Register a secret so the runner replaces it in every later log line (each line separately). */
  mask(secret: string | undefined): void {
    if (!secret) return;
    for (const line of secret.split(/\r?\n/)) {
      const value = line.trim();
      if (value.length < 4 || this.masked.has(value)) continue;
      this.masked.add(value);
      this.io.writeLine(formatCommand('add-mask', {}, value));
    }
  }

  /** Our own masking of text we print, for runners (or tests) that would not mask it. */
  private scrub(text: string): string {
    let out = redact(text);
    for (const s of this.masked) out = out.split(s).join('***');
    return out;
  }

  info(message: string): void {
    // A line starting with `::` would be read as a command: indent it away.
    const text = this.scrub(message);
    this.io.writeLine(text.startsWith('::') ? ` ${text}` : text);
  }

  debug(message: string): void {
    this.io.writeLine(formatCommand('debug', {}, this.scrub(message)));
  }

  annotate(level: AnnotationLevel, message: string, location?: AnnotationLocation): void {
    this.io.writeLine(formatAnnotation(level, this.scrub(message), location));
  }

  /** Mark the step failed (exit code 1) with an error annotation. */
  fail(message: string, location?: AnnotationLocation): void {
    this.failed = true;
    this.annotate('error', message, location);
  }

  get hasFailed(): boolean {
    return this.failed;
  }

  async group<T>(name: string, body: () => Promise<T>): Promise<T> {
    this.io.writeLine(formatCommand('group', {}, name));
    try {
      return await body();
    } finally {
      this.io.writeLine(formatCommand('endgroup', {}, ''));
    }
  }

  /** Set a step output in $GITHUB_OUTPUT (heredoc form). Without the file, log it (local runs). */
  setOutput(name: string, value: string): void {
    const file = this.io.env['GITHUB_OUTPUT'];
    if (!file) {
      this.info(`output ${name}=${value}`);
      return;
    }
    const delimiter = (this.io.delimiter ?? (() => `ghadelimiter_${randomBytes(16).toString('hex')}`))();
    this.io.appendFile(file, formatOutput(name, this.scrub(value), delimiter));
  }

  /** Append Markdown to the job summary, when the runner provides one. */
  appendSummary(markdown: string): void {
    const file = this.io.env['GITHUB_STEP_SUMMARY'];
    if (file) this.io.appendFile(file, this.scrub(markdown.endsWith('\n') ? markdown : `${markdown}\n`));
  }

  /** A Log for the core that writes to this step (warnings and errors become annotations). */
  log(): Log {
    const fmt = (message: string, fields?: Record<string, unknown>) => (fields && Object.keys(fields).length > 0 ? `${message} ${JSON.stringify(fields)}` : message);
    return {
      debug: (m, f) => this.debug(fmt(m, f)),
      info: (m, f) => this.info(fmt(m, f)),
      warn: (m, f) => this.annotate('warning', fmt(m, f)),
      error: (m, f) => this.annotate('error', fmt(m, f)),
    };
  }
}

/** Secrets inside a Docker config JSON: auth strings, their decoded passwords, tokens. */
export function dockerConfigSecrets(json: string): string[] {
  const out: string[] = [];
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return out;
  }
  const auths = (doc as { auths?: unknown } | null)?.auths;
  if (typeof auths !== 'object' || auths === null) return out;
  for (const entry of Object.values(auths as Record<string, unknown>)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const e = entry as Record<string, unknown>;
    for (const key of ['auth', 'password', 'identitytoken', 'registrytoken']) {
      const v = e[key];
      if (typeof v === 'string' && v !== '') out.push(v);
    }
    if (typeof e['auth'] === 'string') {
      const decoded = Buffer.from(e['auth'], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0 && colon < decoded.length - 1) out.push(decoded.slice(colon + 1), decoded);
    }
  }
  return out;
}
