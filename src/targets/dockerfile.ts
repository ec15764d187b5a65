/**
 * Dockerfile base images as targets: a comment line `# {"$imagestream": "python:3.11"}` directly
 * above a `FROM` line pins that FROM's image. Only the image token changes: flags such as
 * `--platform`, `AS name`, trailing comments and the line ending stay byte for byte. Pure.
 */
import { ManifestError, type SourceLocation } from '../errors.js';
import { MARKER_KEY } from '../inventory/target-files.js';
import { markerText } from './yaml-markers.js';
import { parseTargetRef, type TargetRef } from './target-ref.js';

export interface DockerfileFrom {
  readonly file: string;
  /** 1-based line of the FROM instruction. */
  readonly line: number;
  /** 1-based column of the image token. */
  readonly col: number;
  /** Offsets of the image token in the text. */
  readonly start: number;
  readonly end: number;
  readonly image: string;
  readonly ref: TargetRef;
  readonly markerLocation: SourceLocation;
}

export interface DockerfileScan {
  readonly froms: readonly DockerfileFrom[];
  readonly problems: readonly ManifestError[];
}

const FROM = /^([ \t]*)(FROM)([ \t]+)/i;

interface Line {
  readonly text: string;
  readonly start: number;
  readonly number: number;
}

function lines(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  let number = 1;
  for (const m of text.matchAll(/\r?\n/g)) {
    out.push({ text: text.slice(start, m.index), start, number });
    start = m.index + m[0].length;
    number++;
  }
  if (start < text.length) out.push({ text: text.slice(start), start, number });
  return out;
}

/**
 * The image token of a FROM line: after `FROM` and any `--flag=value` / `--flag value` options.
 * undefined when the line has no image on it (a continuation, an ARG-only line).
 */
export function fromImageToken(line: string): { readonly start: number; readonly end: number; readonly image: string } | undefined {
  const m = FROM.exec(line);
  if (!m) return undefined;
  let at = m[0].length;
  for (;;) {
    const rest = line.slice(at);
    const flag = /^--[A-Za-z0-9-]+(=\S*)?[ \t]+/.exec(rest);
    if (!flag) break;
    at += flag[0].length;
  }
  const token = /^[^\s\\]+/.exec(line.slice(at));
  if (!token) return undefined;
  return { start: at, end: at + token[0].length, image: token[0] };
}

/** Find every marked FROM line. A marker not directly above a FROM line is a located problem. */
export function scanDockerfile(path: string, text: string): DockerfileScan {
  const froms: DockerfileFrom[] = [];
  const problems: ManifestError[] = [];
  if (!text.includes(MARKER_KEY)) return { froms, problems };
  const all = lines(text);
  for (let i = 0; i < all.length; i++) {
    const l = all[i]!;
    const comment = /^[ \t]*#/.exec(l.text);
    if (!comment) continue;
    const parsed = markerText(l.text.trim());
    if (!parsed) continue;
    const where: SourceLocation = { file: path, line: l.number, col: comment[0].length };
    if ('problem' in parsed) {
      problems.push(new ManifestError('ManifestSchema', parsed.problem, where));
      continue;
    }
    const ref = parseTargetRef(parsed.text);
    if (!ref.ok) {
      problems.push(new ManifestError('ManifestSchema', `${MARKER_KEY} marker ${ref.message}`, where));
      continue;
    }
    if (ref.ref.field !== 'reference' && ref.ref.field !== 'tag-digest') {
      problems.push(new ManifestError('ManifestSchema', `${MARKER_KEY} marker above FROM: FIELD "${ref.ref.field}" cannot pin a base image; expected reference or tag-digest`, where));
      continue;
    }
    const next = all[i + 1];
    const token = next ? fromImageToken(next.text) : undefined;
    if (!next || !token) {
      problems.push(new ManifestError('ManifestSchema', `${MARKER_KEY} marker must be directly above a FROM line with an image`, where));
      continue;
    }
    froms.push(
      Object.freeze({
        file: path,
        line: next.number,
        col: token.start + 1,
        start: next.start + token.start,
        end: next.start + token.end,
        image: token.image,
        ref: ref.ref,
        markerLocation: where,
      }),
    );
  }
  return { froms, problems };
}

/**
 * Replace image tokens (offsets from scanDockerfile) and return the new text, verified: every
 * changed FROM line reads back the planned image and every other line is unchanged.
 */
export function rewriteDockerfile(
  path: string,
  text: string,
  changes: readonly { readonly start: number; readonly end: number; readonly to: string; readonly line: number }[],
): string {
  const sorted = [...changes].sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  let at = 0;
  for (const c of sorted) {
    if (c.start < at) throw new ManifestError('EditVerify', 'two edits of one FROM image overlap', { file: path, line: c.line });
    if (/\s/.test(c.to) || c.to === '') throw new ManifestError('EditVerify', `"${c.to}" is not a single image token`, { file: path, line: c.line });
    parts.push(text.slice(at, c.start), c.to);
    at = c.end;
  }
  parts.push(text.slice(at));
  const out = parts.join('');
  const before = lines(text);
  const after = lines(out);
  const planned = new Map(sorted.map((c) => [c.line, c.to]));
  const fail = (line: number, why: string): never => {
    throw new ManifestError('EditVerify', `edit of FROM did not verify: ${why}`, { file: path, line });
  };
  if (before.length !== after.length) fail(1, 'the number of lines changed');
  for (let i = 0; i < before.length; i++) {
    const b = before[i]!;
    const a = after[i]!;
    const want = planned.get(b.number);
    if (want === undefined) {
      if (a.text !== b.text) fail(b.number, 'a line that was not edited changed');
    } else if (fromImageToken(a.text)?.image !== want) fail(b.number, `the FROM image reads back as ${fromImageToken(a.text)?.image ?? '(none)'}`);
  }
  return out;
}
