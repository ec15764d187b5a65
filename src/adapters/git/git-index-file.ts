/**
 * Git's index (`.git/index`) as a witness of what the working tree holds. Each entry records the
 * stat data of its file when Git last wrote or checked it (checkout, add, status) with the file's
 * blob id; a file whose stat data still equals its entry's, and whose entry is not racily clean
 * (written no earlier than the index itself), holds that blob: `git status` concludes the same
 * without reading it. A fresh clone (a CI job, the Action's checkout) has such an entry for every
 * file, where Tagstream's own stat records (kept by inode and times) know none of them.
 *
 * Pure parsing plus one stat comparison; formats 2, 3 and 4 (path prefix compression). Anything
 * unexpected (another signature or version, a bad checksum, a SHA-256 repository, a truncated
 * entry) makes the whole index unusable: the caller then reads the files, as without one.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, lstatSync, openSync, readFileSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import type { IndexWitness } from '../../ports/git.js';
import { repoPath } from './git-context.js';

/** One stage-0 entry: the blob id and the stat data Git recorded (32-bit fields, as Git keeps them). */
export interface GitIndexEntry {
  readonly oid: string;
  readonly ctimeSec: number;
  readonly ctimeNsec: number;
  readonly mtimeSec: number;
  readonly mtimeNsec: number;
  readonly ino: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
}

const HEADER = 12;
const SHA1_BYTES = 20;
/** ctime, mtime (sec + nsec), dev, ino, mode, uid, gid, size: ten 32-bit fields, then the id and flags. */
const FIXED = 40 + SHA1_BYTES + 2;
const ASSUME_VALID = 0x8000;
const EXTENDED = 0x4000;
const STAGE_MASK = 0x3000;
const NAME_MASK = 0x0fff;
/** Extended flags: the file is not in the working tree as staged (sparse checkout), or only intended. */
const SKIP_WORKTREE = 0x4000;
const INTENT_TO_ADD = 0x2000;
const REGULAR_FILE = 0o100000;
const TYPE_MASK = 0o170000;

/**
 * Entries by path of a whole index file, only those that can vouch for a regular file's content:
 * stage 0, not assume-valid, skip-worktree or intent-to-add. Undefined when the bytes are not an
 * index this parser can trust.
 */
export function parseGitIndex(bytes: Buffer): Map<string, GitIndexEntry> | undefined {
  if (bytes.length < HEADER + SHA1_BYTES || bytes.toString('latin1', 0, 4) !== 'DIRC') return undefined;
  const version = bytes.readUInt32BE(4);
  if (version < 2 || version > 4) return undefined;
  const end = bytes.length - SHA1_BYTES;
  const trailer = bytes.subarray(end);
  // index.skipHash (Git 2.40+) writes a zero trailer: there is no checksum to verify.
  if (!trailer.every((b) => b === 0) && !createHash('sha1').update(bytes.subarray(0, end)).digest().equals(trailer)) return undefined;
  const count = bytes.readUInt32BE(8);
  const entries = new Map<string, GitIndexEntry>();
  const refused = new Set<string>();
  let at = HEADER;
  let previous: Buffer = Buffer.alloc(0);
  for (let i = 0; i < count; i++) {
    if (at + FIXED > end) return undefined;
    const flags = bytes.readUInt16BE(at + 60);
    let nameAt = at + FIXED;
    let extended = 0;
    if (flags & EXTENDED) {
      if (version < 3 || nameAt + 2 > end) return undefined;
      extended = bytes.readUInt16BE(nameAt);
      nameAt += 2;
    }
    let name: Buffer;
    let next: number;
    if (version === 4) {
      // the name is the previous one less `strip` bytes, then a NUL-terminated suffix; no padding
      let p = nameAt;
      let c = bytes[p++] ?? 0;
      let strip = c & 127;
      while (c & 128) {
        if (p >= end) return undefined;
        c = bytes[p++] ?? 0;
        strip = ((strip + 1) << 7) + (c & 127);
      }
      const nul = bytes.indexOf(0, p);
      if (strip > previous.length || nul < 0 || nul >= end) return undefined;
      name = Buffer.concat([previous.subarray(0, previous.length - strip), bytes.subarray(p, nul)]);
      next = nul + 1;
    } else {
      const length = flags & NAME_MASK;
      const nul = length < NAME_MASK ? nameAt + length : bytes.indexOf(0, nameAt);
      if (nul < 0 || nul >= end || bytes[nul] !== 0) return undefined;
      name = bytes.subarray(nameAt, nul);
      // entries are padded with 1-8 NULs to a multiple of 8 bytes
      next = at + ((nul - at + 8) & ~7);
    }
    previous = name;
    const path = name.toString('utf8');
    const mode = bytes.readUInt32BE(at + 24);
    const usable = (flags & (ASSUME_VALID | STAGE_MASK)) === 0 && (extended & (SKIP_WORKTREE | INTENT_TO_ADD)) === 0 && (mode & TYPE_MASK) === REGULAR_FILE;
    if (!usable || refused.has(path)) {
      // a conflicted path has several stages: none of them vouches for the file
      refused.add(path);
      entries.delete(path);
    } else {
      entries.set(path, {
        ctimeSec: bytes.readUInt32BE(at),
        ctimeNsec: bytes.readUInt32BE(at + 4),
        mtimeSec: bytes.readUInt32BE(at + 8),
        mtimeNsec: bytes.readUInt32BE(at + 12),
        ino: bytes.readUInt32BE(at + 20),
        mode,
        uid: bytes.readUInt32BE(at + 28),
        gid: bytes.readUInt32BE(at + 32),
        size: bytes.readUInt32BE(at + 36),
        oid: bytes.toString('hex', at + 40, at + 40 + SHA1_BYTES),
      });
    }
    at = next;
  }
  return entries;
}

const BILLION = 1_000_000_000n;
const low32 = (n: bigint): number => Number(n & 0xffffffffn);

/**
 * The blob id `entry` vouches for, given the file's stat now and the index file's mtime: its stat
 * data must equal the entry's (times to the nanosecond, inode, owner, size, as Git compares them),
 * and the entry must not be racily clean (a file changed in the same tick as the index was written
 * can have the entry's times with other content).
 */
export function vouchedBlobId(entry: GitIndexEntry | undefined, stat: BigIntStats, indexMtimeNs: bigint): string | undefined {
  if (!entry || !stat.isFile()) return undefined;
  if (stat.mtimeNs >= indexMtimeNs) return undefined;
  const same =
    entry.size === low32(stat.size) &&
    entry.mtimeSec === low32(stat.mtimeNs / BILLION) &&
    entry.mtimeNsec === Number(stat.mtimeNs % BILLION) &&
    entry.ctimeSec === low32(stat.ctimeNs / BILLION) &&
    entry.ctimeNsec === Number(stat.ctimeNs % BILLION) &&
    entry.ino === low32(stat.ino) &&
    entry.uid === low32(stat.uid) &&
    entry.gid === low32(stat.gid);
  return same ? entry.oid : undefined;
}

/** `path` as the index keys it, when it is a repo-relative path inside the work tree (repoPath's rule); undefined otherwise. */
function indexPath(path: string): string | undefined {
  try {
    return repoPath(path);
  } catch {
    return undefined;
  }
}

/** The parsed index of `gitdir` and its file's mtime, or undefined when there is none this parser can trust. */
function readIndex(gitdir: string): { readonly entries: Map<string, GitIndexEntry>; readonly mtimeNs: bigint } | undefined {
  try {
    const fd = openSync(join(gitdir, 'index'), 'r');
    try {
      const mtimeNs = fstatSync(fd, { bigint: true }).mtimeNs;
      const entries = parseGitIndex(readFileSync(fd));
      return entries && { entries, mtimeNs };
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/**
 * Git's index of `workTree` as a witness of its files' contents. The index is read on the first
 * question (a run whose own stat records all match never asks), and each answer compares the
 * file's stat of that moment. No index, or one that cannot be trusted, answers nothing.
 */
export function gitIndexWitness(workTree: string, gitdir = join(workTree, '.git')): IndexWitness {
  let index: ReturnType<typeof readIndex> | null = null;
  return {
    blobId(path) {
      if (index === null) index = readIndex(gitdir);
      const key = indexPath(path);
      const entry = index && key !== undefined ? index.entries.get(key) : undefined;
      if (!index || !entry || key === undefined) return undefined;
      try {
        const stat = lstatSync(join(workTree, key), { bigint: true, throwIfNoEntry: false });
        return stat ? vouchedBlobId(entry, stat, index.mtimeNs) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
