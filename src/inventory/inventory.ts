/**
 * Index a repository: every ImageStream (by namespace/name), every workload Tagstream may write
 * to, and every OpenShift Template, each with its file:line:col. Works on any directory (no Git
 * needed). Bad files become located diagnostics and the rest of the repository is still indexed.
 *
 * Only documents that can hold something indexed are parsed (see inventory-prefilter.ts): each
 * YAML file is cut at `---` markers and a document is composed only when its text names
 * ImageStream, the triggers annotation, DeploymentConfig, resolve-names or Template, or, when some
 * stream has `lookupPolicy.local: true`, when it has an `image:` with a local name. Consequence:
 * invalid YAML in a document that mentions none of these (a broken ConfigMap) is not reported;
 * `parseAll` restores the full check. Known limit: should such a skipped document be broken so
 * that the parser reads across the next `---` (an unclosed quote inside a map), the documents after
 * it are still indexed from the cut, with indexes the full parse does not share; `files` then marks
 * that file's documents as not parsing, so edits to it are refused. `files` parses a file with
 * source tokens on first `get`.
 */
import { createHash } from 'node:crypto';
import { ManifestError, errorMessage } from '../errors.js';
import type { FileRead, FileStat, Workspace } from '../ports/workspace.js';
import { loadFileFilter } from './file-filter.js';
import * as imageStreamSchema from './image-stream-schema.js';
import * as imageStreamFields from './image-stream-fields.js';
import * as nodeLocator from '../edit/node-locator.js';
import type { Inventory, ObjectRef } from './inventory-model.js';
import type { IndexCache } from '../ports/index-cache.js';
import type { IndexWitness } from '../ports/git.js';
import { decodeFileIndex, encodeFileIndex, gitBlobId, indexKey, indexScope, type FileIndex } from './file-index.js';
import { ScannedFile } from './inventory-files.js';
import * as inventoryBuilder from './inventory-builder.js';
import { InventoryBuilder, isObj } from './inventory-builder.js';
import { mayHoldIndexedObject, mayHoldLocalImageName, splitDocuments } from './inventory-prefilter.js';
import { isDockerfile, MARKER_KEY, readDockerfile, targetSources } from './target-files.js';
import { DEFAULT_SOURCE_LIMITS, fileTooLarge, formatOf, type SourceLimits } from '../edit/source-file.js';

/** The part of RepoSettings the inventory reads (RepoSettings satisfies it). */
export interface InventorySettings {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly defaultNamespace?: string | undefined;
  readonly limits?: { readonly maxFileBytes: number; readonly maxAliasCount: number } | undefined;
  /** `.tagstream.yaml` target rules: the files their globs name are update-target files. */
  readonly targets?: readonly { readonly files: string }[] | undefined;
}

/**
 * Lets a long-running caller skip files that did not change. `version` is whatever identifies
 * the content cheaply (mtimeMs, a git blob id) or, without a `fileVersion` hook, a content hash;
 * it also folds in the parse limits, so a cache stays valid when settings change.
 */
export interface ParseCache {
  get(path: string, size: number, version: string): ScannedFile | undefined;
  set(path: string, size: number, version: string, file: ScannedFile): void;
}

export interface InventoryOptions {
  readonly parseCache?: ParseCache | undefined;
  /**
   * Cheap version of a file without reading it (mtimeMs, blob id). With it, a cache hit skips the
   * read; without it the file is read and its SHA-1 is the version (the parse is still skipped).
   */
  readonly fileVersion?: ((path: string) => Promise<string | undefined>) | undefined;
  /** Files read and parsed at the same time. Default 16. */
  readonly concurrency?: number | undefined;
  /**
   * Also index the objects this accepts as workloads (with `reasons: []`) although they have no
   * trigger and no lookup candidate: `set triggers` / `set image-lookup` must find a plain Deployment.
   */
  readonly includeObject?: ((ref: ObjectRef) => boolean) | undefined;
  /**
   * Parse every document, not only those the pre-filter selects: invalid YAML anywhere is then
   * reported, at the old cost. Implied by `includeObject` (any object may be asked for).
   */
  readonly parseAll?: boolean | undefined;
  /**
   * The persistent index cache (what each file yields, by Git blob id; see file-index.ts): files it
   * knows are read but not parsed. Not used with `parseAll` / `includeObject`. Saved at the end.
   */
  readonly indexCache?: IndexCache | undefined;
  /**
   * Git's index as a witness of blob ids (a fresh clone's files have no stat record of ours yet):
   * a file whose stat record does not match is still left unread when Git's index vouches that it
   * holds the blob that record was made for.
   */
  readonly indexWitness?: IndexWitness | undefined;
}

const SETTINGS_FILE = '.tagstream.yaml';

/** Simple unbounded in-memory ParseCache (one entry per path), with hit counters for tests. */
export function memoryParseCache(): ParseCache & { readonly hits: number; readonly misses: number; readonly entries: number } {
  const map = new Map<string, { size: number; version: string; file: ScannedFile }>();
  let hits = 0;
  let misses = 0;
  return {
    get(path, size, version) {
      const e = map.get(path);
      if (e && e.size === size && e.version === version) {
        hits++;
        return e.file;
      }
      misses++;
      return undefined;
    },
    set(path, size, version, file) {
      map.set(path, { size, version, file });
    },
    get hits() {
      return hits;
    },
    get misses() {
      return misses;
    },
    get entries() {
      return map.size;
    },
  };
}


interface FileScan {
  readonly path: string;
  readonly file?: ScannedFile;
  readonly error?: ManifestError;
  readonly cached: boolean;
  /** Persistent index cache: the key of this file, and what the cache holds for it (a hit). */
  readonly indexKey?: string;
  /** The file's Git blob id, when it was read for the index cache. */
  readonly blobId?: string;
  index?: FileIndex | undefined;
}

/** Build the inventory of `workspace`. Never throws for bad content; see `diagnostics`. */
export async function buildInventory(
  workspace: Workspace,
  settings: InventorySettings,
  opts: InventoryOptions = {},
): Promise<Inventory> {
  const listed = await workspace.listFiles();
  const filter = await loadFileFilter(workspace, listed, { include: settings.include, exclude: settings.exclude });
  const accepted = listed.filter((p) => p !== SETTINGS_FILE && filter.accepts(p)).sort();
  const candidates = accepted.filter((p) => formatOf(p) !== undefined);
  const limits: SourceLimits = settings.limits
    ? { maxBytes: settings.limits.maxFileBytes, maxAliasCount: settings.limits.maxAliasCount }
    : DEFAULT_SOURCE_LIMITS;

  const all = opts.parseAll === true || opts.includeObject !== undefined;
  const defaultNamespace = settings.defaultNamespace || 'default';
  const indexCache = all ? undefined : opts.indexCache;
  const scope = indexCache ? indexScope(EXTRACTION_CODE, { defaultNamespace, limits }) : '';
  // Files the index cache knows by their stat signature are not read at all (see rememberStat).
  // The time is taken before the stats: the racy window must be measured from no later than them.
  const statsTakenMs = Date.now();
  const stats = indexCache && !opts.parseCache && workspace.fileStats && workspace.readFileNow ? await workspace.fileStats(candidates) : undefined;
  const known = stats && indexCache ? candidates.map((path, i) => knownUnread(workspace, path, stats[i], limits, indexCache, scope, opts.indexWitness, statsTakenMs)) : undefined;
  const toRead = known ? candidates.filter((_, i) => known[i] === undefined) : candidates;
  // Without a parse cache every file is read anyway: one batched read when the workspace offers it.
  const readList = !opts.parseCache && workspace.readFiles ? await workspace.readFiles(toRead, limits.maxBytes) : undefined;
  let nextRead = 0;
  const reads = readList && known ? candidates.map((_, i) => (known[i] === undefined ? readList[nextRead++] : undefined)) : readList;
  const scans = await mapLimit(candidates, opts.concurrency ?? 16, async (path, i) => {
    const hit = known?.[i];
    if (hit) return hit;
    const scan = await scanFile(workspace, path, limits, opts, indexCache, scope, reads?.[i]);
    if (indexCache && scan.blobId !== undefined && scan.file) rememberStat(indexCache, path, stats?.[i], statsTakenMs, scan.blobId, scan.file);
    return scan;
  });
  // update-target Dockerfiles come from the same listing (YAML/JSON target files are among the scans)
  const dockerfiles = await mapLimit(accepted.filter((p) => formatOf(p) === undefined && isDockerfile(p)), opts.concurrency ?? 16, (path) => readDockerfile(workspace, path, limits));
  const chosen = chooseDocuments(scans, all);

  const b = new InventoryBuilder(defaultNamespace, opts.includeObject);
  let documents = 0;
  let cacheHits = 0;
  for (const scan of scans) {
    if (scan.cached || scan.index) cacheHits++;
    if (scan.error) {
      b.diagnostics.push(scan.error);
      continue;
    }
    if (!scan.file) continue;
    let index = scan.index;
    if (!index) {
      const choice = chosen.get(scan.file);
      index = b.extract(scan.file, choice?.indexes ?? []);
      // Stored only when it is what the file yields on its own (no document added for another file's stream).
      if (indexCache && scan.indexKey && choice && !choice.extended) {
        const record = encodeFileIndex(scan.path, { ...index, localLookup: choice.localLookup, localNameDocs: choice.localNameDocs });
        if (record) indexCache.set(scan.indexKey, record);
      }
    }
    documents += index.documentCount;
    b.add(index, scan.file);
    // Without a cache nobody asks for these parses again; the text stays for `files`.
    if (!opts.parseCache) scan.file.release();
  }
  for (const d of dockerfiles) if (d.error) b.diagnostics.push(d.error);
  const inventory = b.finish();
  await indexCache?.save();
  const targets = targetSources(scans.map((s) => s.file), dockerfiles, settings.targets ?? []);
  return { ...inventory, targets, stats: { filesListed: listed.length, filesScanned: candidates.length, documents, cacheHits } };
}

interface DocumentChoice {
  readonly indexes: number[];
  /** Documents of this file with a local image name (added when some stream asks for local lookup). */
  readonly localNameDocs: number[];
  /** This file declares `lookupPolicy.local: true`. */
  readonly localLookup: boolean;
  /** Local-name documents were added because of a stream somewhere. */
  extended: boolean;
}

/**
 * Which documents of each file to parse: those that may hold an indexed object, plus, when a
 * stream among those asks for local lookup, those with a local image name. Index -1 stands for a
 * file that is parsed whole. Files the index cache answered are not looked at, unless local lookup
 * is on and they have local-name documents: then they are parsed like the others.
 */
function chooseDocuments(scans: readonly FileScan[], all: boolean): Map<ScannedFile, DocumentChoice> {
  const chosen = new Map<ScannedFile, DocumentChoice>();
  let localLookup = scans.some((s) => s.index?.localLookup === true);
  const choose = (file: ScannedFile): DocumentChoice => {
    const indexes: number[] = [];
    const localNameDocs: number[] = [];
    const lookupPolicies: number[] = [];
    for (const d of file.documentTexts()) {
      if (all || mayHoldIndexedObject(d.text)) {
        indexes.push(d.index);
        if (d.text.includes('lookupPolicy')) lookupPolicies.push(d.index);
      } else if (mayHoldLocalImageName(d.text)) localNameDocs.push(d.index);
    }
    const local = lookupPolicies.length > 0 && file.documents(lookupPolicies).documents.some((d) => declaresLocalLookup(d.value));
    return { indexes, localNameDocs, localLookup: local, extended: false };
  };
  for (const scan of scans) {
    if (!scan.file || scan.index) continue;
    const c = choose(scan.file);
    chosen.set(scan.file, c);
    if (c.localLookup) localLookup = true;
  }
  if (localLookup) {
    for (const scan of scans) {
      if (scan.file && scan.index && scan.index.localNameDocs.length > 0) {
        scan.index = undefined;
        chosen.set(scan.file, choose(scan.file));
      }
    }
    for (const c of chosen.values()) {
      if (c.localNameDocs.length === 0) continue;
      c.indexes.push(...c.localNameDocs);
      c.extended = true;
    }
  }
  return chosen;
}

/** An ImageStream (or a List holding one) with `spec.lookupPolicy.local: true`; other kinds may match too. */
function declaresLocalLookup(value: unknown): boolean {
  if (!isObj(value)) return false;
  if (Array.isArray(value.items)) return value.items.some(declaresLocalLookup);
  const spec = isObj(value.spec) ? value.spec : undefined;
  return isObj(spec?.lookupPolicy) && spec.lookupPolicy.local === true;
}

async function scanFile(
  workspace: Workspace,
  path: string,
  limits: SourceLimits,
  opts: InventoryOptions,
  indexCache: IndexCache | undefined,
  scope: string,
  read: FileRead | undefined,
): Promise<FileScan> {
  try {
    if (read) {
      if ('error' in read) throw read.error;
      if ('tooLarge' in read) return { path, error: fileTooLarge(path, read.tooLarge, limits.maxBytes), cached: false };
      return indexed(path, read.bytes, limits, indexCache, scope);
    }
    const size = await workspace.size(path);
    if (size > limits.maxBytes) return { path, error: fileTooLarge(path, size, limits.maxBytes), cached: false };
    const cache = opts.parseCache;
    const limitKey = `${limits.maxBytes}/${limits.maxAliasCount}`;
    let version = cache && opts.fileVersion ? await opts.fileVersion(path) : undefined;
    if (cache && version !== undefined) {
      const hit = cache.get(path, size, `${version}|${limitKey}`);
      if (hit) return { path, file: hit, cached: true };
    }
    const bytes = await workspace.readFile(path);
    if (bytes.length > limits.maxBytes) return { path, error: fileTooLarge(path, bytes.length, limits.maxBytes), cached: false };
    if (cache && version === undefined) {
      version = createHash('sha1').update(bytes).digest('hex');
      const hit = cache.get(path, bytes.length, `${version}|${limitKey}`);
      if (hit) return { path, file: hit, cached: true };
    }
    if (cache && version !== undefined) {
      const file = new ScannedFile(path, bytes, formatOf(path) ?? 'yaml', limits);
      cache.set(path, bytes.length, `${version}|${limitKey}`, file);
      return { path, file, cached: false };
    }
    return indexed(path, bytes, limits, indexCache, scope);
  } catch (e) {
    if (e instanceof ManifestError) return { path, error: e, cached: false };
    const error = new ManifestError('ManifestParse', `cannot read file: ${errorMessage(e)}`, { file: path }, e);
    return { path, error, cached: false };
  }
}

/** A file read: what the index cache holds for it, if anything. */
function indexed(path: string, bytes: Buffer, limits: SourceLimits, indexCache: IndexCache | undefined, scope: string): FileScan {
  const file = new ScannedFile(path, bytes, formatOf(path) ?? 'yaml', limits);
  if (!indexCache) return { path, file, cached: false };
  const blobId = gitBlobId(bytes);
  const key = indexKey(scope, path, blobId);
  return { path, file, cached: false, indexKey: key, blobId, index: decodeFileIndex(indexCache.get(key), path) };
}

/**
 * Stat records: the index cache also maps a file's path and stat signature (size, mtime, ctime,
 * inode, device) to its Git blob id, as Git's own index does, so that a run over files that did not
 * change reads none of them. Like Git's "racily clean" rule, a record is made only for a file whose
 * mtime and ctime are older than the racy window when its stat was taken (a later change to it then
 * moves its ctime past the recorded one, so its signature differs): 100 ms on filesystems with fine
 * timestamps (Linux stamps files with a coarse clock, a jiffy of up to 10 ms), 2 s on those keeping
 * whole seconds. A file answered this way is read on first use (an edit), and refused with a
 * located error if its content is then not that blob.
 */
const RACY_FINE_MS = 100;
const RACY_COARSE_MS = 2000;
/** Stat records are one string, `1|<blob id>|<marker 0/1>|<signature>`: quick to read back among thousands. */
const STAT_RECORD = '1';

interface StatRecord {
  /** FileStat.signature */
  readonly signature: string;
  /** Git blob id of the content at that signature. */
  readonly blobId: string;
  /** The content mentions the update-target marker (targetSources asks every YAML file). */
  readonly marker: boolean;
}

const statKey = (path: string): string => `stat:${path}`;

function decodeStatRecord(raw: unknown): StatRecord | undefined {
  if (typeof raw !== 'string') return undefined;
  const [format, blobId, marker, signature] = raw.split('|', 4);
  if (format !== STAT_RECORD || blobId === undefined || !/^[0-9a-f]{40}$/.test(blobId) || (marker !== '0' && marker !== '1') || !signature) return undefined;
  return { signature, blobId, marker: marker === '1' };
}

const encodeStatRecord = (r: StatRecord): string => `${STAT_RECORD}|${r.blobId}|${r.marker ? 1 : 0}|${r.signature}`;

/**
 * The scan of a file the cache answers by its stat signature (left unread), or undefined to read it.
 * A signature that does not match (a fresh clone: new inodes and times) is made good by Git's index
 * when it vouches for the very blob the record was made for; the record is then renewed (rememberStat).
 */
function knownUnread(workspace: Workspace, path: string, stat: FileStat | undefined, limits: SourceLimits, indexCache: IndexCache, scope: string, witness: IndexWitness | undefined, statsTakenMs: number): FileScan | undefined {
  if (!stat || stat.size > limits.maxBytes) return undefined;
  const record = decodeStatRecord(indexCache.get(statKey(path)));
  if (!record) return undefined;
  const renewed = record.signature !== stat.signature;
  if (renewed && (!witness || witness.blobId(path) !== record.blobId)) return undefined;
  const key = indexKey(scope, path, record.blobId);
  const index = decodeFileIndex(indexCache.get(key), path);
  if (!index) return undefined;
  const load = (): Buffer => {
    const read = workspace.readFileNow?.(path, limits.maxBytes) ?? { error: new Error('the workspace cannot read synchronously') };
    if ('error' in read) throw new ManifestError('ManifestParse', `cannot read file: ${errorMessage(read.error)}`, { file: path }, read.error);
    if ('tooLarge' in read || gitBlobId(read.bytes) !== record.blobId) {
      throw new ManifestError('ManifestParse', 'the file changed on disk while Tagstream was running (it is not the content indexed at the start of the run); nothing was written for it, run again', { file: path });
    }
    return read.bytes;
  };
  const file = new ScannedFile(path, { load, mentions: { [MARKER_KEY]: record.marker } }, formatOf(path) ?? 'yaml', limits);
  if (renewed) rememberStat(indexCache, path, stat, statsTakenMs, record.blobId, file);
  return { path, file, cached: false, indexKey: key, blobId: record.blobId, index };
}

/** Record `path`'s stat signature with the blob id just read, unless the file changed too recently to trust it. */
function rememberStat(indexCache: IndexCache, path: string, stat: FileStat | undefined, statsTakenMs: number, blobId: string, file: ScannedFile): void {
  if (!stat || stat.changedMs >= statsTakenMs - (stat.fineTimes ? RACY_FINE_MS : RACY_COARSE_MS)) return;
  const old = decodeStatRecord(indexCache.get(statKey(path)));
  if (old && old.signature === stat.signature && old.blobId === blobId) return;
  const record = encodeStatRecord({ signature: stat.signature, blobId, marker: file.mentions(MARKER_KEY) });
  indexCache.setLazily(statKey(path), record);
}

/** Run `fn` over `items` with at most `limit` in flight; results keep the input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/**
 * The code whose behaviour an index-cache record depends on: its source text goes into the cache
 * scope, so records written by another version of it are never trusted. A change elsewhere that
 * alters what a file yields (e.g. in the yaml library) must bump RECORD_FORMAT in file-index.ts.
 */
const EXTRACTION_CODE: readonly { toString(): string }[] = [
  ...Object.values(inventoryBuilder).filter((v) => typeof v === 'function'),
  ScannedFile,
  splitDocuments,
  mayHoldIndexedObject,
  mayHoldLocalImageName,
  declaresLocalLookup,
  ...Object.values(imageStreamSchema).filter((v) => typeof v === 'function'),
  ...Object.values(imageStreamFields).filter((v) => typeof v === 'function'),
  ...Object.values(nodeLocator).filter((v) => typeof v === 'function'),
];
