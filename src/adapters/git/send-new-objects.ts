/**
 * A push over smart HTTP that sends the objects our commits brought, found by diffing each new
 * commit's tree with its parent's along the changed paths only.
 *
 * isomorphic-git's push finds what to send by listing every object of the new commit, of the merge
 * base and of `refs/remotes/<remote>/HEAD`: three walks of the whole tree (a thousand trees
 * inflated for a 2,500-file repository) to send a commit that changed two files. That walk was
 * most of a webhook run's push. Here the walk is as deep as the change: for a chain of
 * single-parent commits ending at a commit the server advertises (the usual case: our commits on
 * top of what we fetched), the objects to send are each commit and, per changed path, the trees
 * and blobs that differ from its parent's. Every other object of the new trees sits at the same
 * path in the parent's tree, so the server has it: it holds everything reachable from the refs it
 * advertises, and receive-pack checks the new tip is connected before it moves the ref.
 *
 * Anything else (a merge, a history longer than CHAIN_LIMIT, a missing local object, a server
 * branch that is not the chain's base when the push is not forced, a server without
 * report-status) is declined before anything is sent, and the caller pushes with isomorphic-git,
 * which decides and reports those cases. Failures the server reports are thrown as isomorphic-git
 * does (GitPushError with the per-ref result), so they are classified by the same rules.
 */
import git, { Errors } from 'isomorphic-git';
import type { AuthCallback, AuthFailureCallback, TreeEntry } from 'isomorphic-git';
import { GitRemoteHTTP } from 'isomorphic-git/managers';
import { commitHeader } from './commit-headers.js';
import type { GitContext } from './git-context.js';

const ZERO_OID = '0000000000000000000000000000000000000000';
/** Commits between the pushed tip and a commit the server has, beyond which we decline. */
const CHAIN_LIMIT = 64;

export interface SendNewObjectsRequest {
  readonly url: string;
  /** The remote's name, for its tracking ref. */
  readonly remote: string;
  /** Local branch name (under refs/heads/). */
  readonly localBranch: string;
  /** Remote branch name (under refs/heads/). */
  readonly remoteBranch: string;
  readonly force: boolean;
  readonly onAuth?: AuthCallback | undefined;
  readonly onAuthFailure?: AuthFailureCallback | undefined;
}

/** `sent`: the server took the push (or already had the commit); `declined`: push another way. */
export type SendNewObjectsOutcome = 'sent' | 'declined';

interface Discovered {
  readonly refs: Map<string, string>;
  readonly capabilities: Set<string>;
  readonly auth: unknown;
}

/** One step of the chain: a new commit, its tree and its parent's tree. */
interface ChainLink {
  readonly oid: string;
  readonly tree: string;
  readonly parentTree: string;
}

/**
 * The single-parent commits from `tip` back to the first commit in `known` (newest first), and
 * that commit; undefined when the history is not such a chain or a commit is missing locally.
 */
async function chainTo(ctx: GitContext, tip: string, known: ReadonlySet<string>): Promise<{ links: ChainLink[]; base: string } | undefined> {
  const commits: { oid: string; tree: string }[] = [];
  let oid = tip;
  while (!known.has(oid)) {
    if (commits.length >= CHAIN_LIMIT) return undefined;
    const commit = await commitHeader(ctx, oid);
    const parent = commit.parent.length === 1 ? commit.parent[0] : undefined;
    if (parent === undefined) return undefined;
    commits.push({ oid, tree: commit.tree });
    oid = parent;
  }
  if (commits.length === 0) return { links: [], base: oid };
  // Each commit's parent tree: the next (older) commit's, and for the oldest the base's.
  const baseTree = (await commitHeader(ctx, oid)).tree;
  const links = commits.map((c, i) => ({ ...c, parentTree: commits[i + 1]?.tree ?? baseTree }));
  return { links, base: oid };
}

/** Add to `out` the objects of tree `oid` that are not at the same path in tree `base`. */
async function addChangedObjects(ctx: GitContext, oid: string, base: string | undefined, out: Set<string>): Promise<void> {
  if (oid === base || out.has(oid)) return;
  const { fs, dir, cache } = ctx;
  const read = async (tree: string): Promise<readonly TreeEntry[]> => (await git.readTree({ fs, dir, oid: tree, cache })).tree;
  out.add(oid);
  const before = new Map<string, TreeEntry>();
  if (base !== undefined) for (const e of await read(base)) before.set(e.path, e);
  for (const entry of await read(oid)) {
    if (entry.type === 'commit') continue; // a submodule's commit lives in another repository
    const old = before.get(entry.path);
    if (old?.oid === entry.oid) continue;
    if (entry.type === 'tree') await addChangedObjects(ctx, entry.oid, old?.type === 'tree' ? old.oid : undefined, out);
    else out.add(entry.oid);
  }
}

/** Objects a chain of commits brings: each commit and what its tree changed from its parent's. */
async function newObjectsOf(ctx: GitContext, links: readonly ChainLink[]): Promise<string[]> {
  const out = new Set<string>();
  for (const link of links) {
    out.add(link.oid);
    await addChangedObjects(ctx, link.tree, link.parentTree, out);
  }
  return [...out];
}

/** `work`'s result, or undefined when it needed an object this copy does not have (a shallow history). */
function missingAsUndefined<T>(work: Promise<T>): Promise<T | undefined> {
  return work.catch((e: unknown) => {
    if ((e as { code?: unknown }).code === 'NotFoundError') return undefined;
    throw e;
  });
}

function pktLine(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, '0'), 'ascii'), body]);
}

/** The pkt-lines of `data` (a flush packet ends a section and is skipped). */
function* pktLines(data: Buffer): Generator<Buffer> {
  let at = 0;
  while (at + 4 <= data.length) {
    const size = Number.parseInt(data.toString('ascii', at, at + 4), 16);
    if (!Number.isFinite(size)) throw new Error(`receive-pack answered a malformed pkt-line at byte ${at}`);
    if (size < 4) {
      at += 4; // flush (0000), delimiter (0001), response end (0002)
      continue;
    }
    yield data.subarray(at + 4, at + size);
    at += size;
  }
}

/** The report-status text out of a (possibly side-band multiplexed) receive-pack answer. */
function reportOf(body: Buffer, sideBand: boolean): Buffer {
  if (!sideBand) return body;
  const parts: Buffer[] = [];
  for (const line of pktLines(body)) {
    const band = line[0];
    if (band === 1) parts.push(line.subarray(1));
    else if (band === 3) throw new Error(`the server aborted the push: ${line.subarray(1).toString('utf8').trim()}`);
  }
  return Buffer.concat(parts);
}

/** Throw the way isomorphic-git's push does when the server did not take every ref. */
function checkReport(report: Buffer, ref: string): void {
  let unpack = '';
  const refs: Record<string, { ok: boolean; error: string }> = {};
  for (const raw of pktLines(report)) {
    const line = raw.toString('utf8').replace(/\n$/, '');
    if (line.startsWith('unpack ')) unpack = line.slice('unpack '.length);
    else if (line.startsWith('ok ')) refs[line.slice(3)] = { ok: true, error: '' };
    else if (line.startsWith('ng ')) {
      const [name = '', ...reason] = line.slice(3).split(' ');
      refs[name] = { ok: false, error: reason.join(' ') };
    }
  }
  if (unpack === 'ok' && refs[ref]?.ok === true) return;
  refs[ref] ??= { ok: false, error: unpack === 'ok' ? 'the server did not report this ref' : `unpack ${unpack || 'failed'}` };
  const details = Object.entries(refs)
    .filter(([, r]) => !r.ok)
    .map(([name, r]) => `\n  - ${name}: ${r.error}`)
    .join('');
  throw new Errors.GitPushError(details, { ok: unpack === 'ok', error: unpack === 'ok' ? undefined : unpack, refs } as never);
}

async function collect(body: AsyncIterableIterator<Uint8Array> | undefined): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  if (body) for await (const chunk of body) parts.push(chunk);
  return Buffer.concat(parts);
}

/**
 * Push `localBranch` to `remoteBranch` sending only the new objects, or decline (nothing sent)
 * when the history is not a chain on top of what the server has. Moves the remote-tracking ref on
 * success, as isomorphic-git's push does.
 */
export async function sendNewObjects(ctx: GitContext, request: SendNewObjectsRequest): Promise<SendNewObjectsOutcome> {
  const { fs, http, dir, cache } = ctx;
  const tip = await git.resolveRef({ fs, dir, ref: `refs/heads/${request.localBranch}` });
  const remoteRef = `refs/heads/${request.remoteBranch}`;
  const server = (await GitRemoteHTTP.discover({
    http,
    onAuth: request.onAuth,
    onAuthFailure: request.onAuthFailure,
    service: 'git-receive-pack',
    url: request.url,
    headers: {},
    protocolVersion: 1,
  })) as Discovered;
  if (!server.capabilities.has('report-status')) return 'declined';
  const old = server.refs.get(remoteRef) ?? ZERO_OID;
  const track = () => git.writeRef({ fs, dir, ref: `refs/remotes/${request.remote}/${request.remoteBranch}`, value: tip, force: true });
  if (old === tip) {
    await track();
    return 'sent';
  }
  const chain = await missingAsUndefined(chainTo(ctx, tip, new Set(server.refs.values())));
  if (chain === undefined) return 'declined';
  // Not a fast-forward from the chain's base: isomorphic-git decides (and names the refusal).
  if (old !== ZERO_OID && old !== chain.base && !request.force) return 'declined';
  const objects = await missingAsUndefined(newObjectsOf(ctx, chain.links));
  if (objects === undefined) return 'declined';
  const sideBand = server.capabilities.has('side-band-64k');
  const capabilities = ['report-status', ...(sideBand ? ['side-band-64k'] : [])].join(' ');
  const { packfile } = await git.packObjects({ fs, dir, oids: objects, cache });
  const res = await GitRemoteHTTP.connect({
    http,
    service: 'git-receive-pack',
    url: request.url,
    auth: server.auth,
    headers: {},
    body: [pktLine(`${old} ${tip} ${remoteRef}\0${capabilities}\n`), Buffer.from('0000', 'ascii'), packfile ?? new Uint8Array()],
  });
  checkReport(reportOf(await collect(res.body), sideBand), remoteRef);
  await track();
  return 'sent';
}
