/**
 * Loopback GitLab (merge requests, REST v4) and Gitea/Forgejo (pull requests, API v1) servers for
 * pull-request tests, backed by memory. Every request and response is checked against the host's
 * Swagger 2.0 description under test/fixtures/code-hosts (see SOURCES.md there): an unknown path,
 * query parameter or body field, a wrong type or enum, or an undocumented status is recorded in
 * `violations` (tests assert it is empty). Auth is checked the way each host does it
 * (`PRIVATE-TOKEN` header; `Authorization: token …`).
 *
 * GitLab: the merge-request operations are checked against a verbatim excerpt of GitLab's published
 * openapi_v2.yaml; its responses only after GITLAB_RESPONSE_OVERRIDES (below), a short list of
 * fields that description types otherwise than GitLab sends them. Creating a note is checked
 * against a hand-written description: no Notes API was found in the published one.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: Json[];
  items?: Schema;
  additionalProperties?: boolean | Schema;
}
interface Param extends Omit<Schema, 'required'> {
  name: string;
  in: 'path' | 'query' | 'body' | 'header' | 'formData';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  operationId: string;
  consumes?: string[];
  parameters?: Param[];
  responses: Record<string, { $ref?: string; schema?: Schema }>;
}
export interface SwaggerDocument {
  basePath?: string;
  paths: Record<string, Record<string, Operation> & { parameters?: Param[] }>;
  definitions: Record<string, Schema>;
  /** Shared parameters that operations name by `$ref` (`#/parameters/Service`). */
  parameters?: Record<string, Param>;
  responses?: Record<string, { schema?: Schema }>;
}

const FIXTURES = new URL('../fixtures/code-hosts/', import.meta.url);
export const loadSwagger = (file: string): SwaggerDocument => JSON.parse(readFileSync(fileURLToPath(new URL(file, FIXTURES)), 'utf8')) as SwaggerDocument;
export const loadGiteaSwagger = (): SwaggerDocument => loadSwagger('gitea-swagger-v1.22.json');
/** GitLab's merge-request operations, verbatim from its published openapi_v2.yaml (SOURCES.md). */
export const loadGitLabSwagger = (): SwaggerDocument => loadSwagger('gitlab-openapi-v2.excerpt.json');
/** GitLab's "create a merge request note", written by hand: no Notes API was found in the published description. */
export const loadGitLabNotesSwagger = (): SwaggerDocument => loadSwagger('gitlab-notes.handwritten.json');

/** A schema at `pointer` in a vendored description replaced, for responses only, by what the host really sends. */
export interface ResponseOverride {
  /** JSON pointer (RFC 6901) into the vendored document. */
  readonly pointer: string;
  /** The schema the vendored description has there; applying fails if it has anything else. */
  readonly official: Schema;
  /** The shape the host sends. */
  readonly real: Schema;
  /** The host's documentation that shows the real shape. */
  readonly docs: string;
}

const MR_LIST_DOCS = 'https://docs.gitlab.com/api/merge_requests/#list-project-merge-requests';
const MR_SINGLE_DOCS = 'https://docs.gitlab.com/api/merge_requests/#get-single-mr';
const USER = { $ref: '#/definitions/API_Entities_UserBasic' };
/**
 * Where GitLab's published description (gitlab-openapi-v2.excerpt.json) is wrong about what GitLab
 * returns. Grape entities without a declared type come out as `string`, and `using:` collections as a
 * single object; the REST documentation's response examples show arrays and integers. Only fields
 * the stub sends are listed; the stub leaves out the other mistyped fields (see gitlabMr).
 */
export const GITLAB_RESPONSE_OVERRIDES: readonly ResponseOverride[] = [
  { pointer: '/definitions/API_Entities_MergeRequestBasic/properties/labels', official: { type: 'string' }, real: { type: 'array', items: { type: 'string' } }, docs: MR_LIST_DOCS },
  { pointer: '/definitions/API_Entities_MergeRequestBasic/properties/source_project_id', official: { type: 'string' }, real: { type: 'integer' }, docs: MR_LIST_DOCS },
  { pointer: '/definitions/API_Entities_MergeRequestBasic/properties/assignees', official: USER, real: { type: 'array', items: USER }, docs: MR_LIST_DOCS },
  { pointer: '/definitions/API_Entities_MergeRequestBasic/properties/reviewers', official: USER, real: { type: 'array', items: USER }, docs: MR_LIST_DOCS },
  { pointer: '/definitions/API_Entities_MergeRequest/properties/labels', official: { type: 'string' }, real: { type: 'array', items: { type: 'string' } }, docs: MR_SINGLE_DOCS },
  { pointer: '/definitions/API_Entities_MergeRequest/properties/source_project_id', official: { type: 'string' }, real: { type: 'integer' }, docs: MR_SINGLE_DOCS },
  { pointer: '/definitions/API_Entities_MergeRequest/properties/assignees', official: USER, real: { type: 'array', items: USER }, docs: MR_SINGLE_DOCS },
  { pointer: '/definitions/API_Entities_MergeRequest/properties/reviewers', official: USER, real: { type: 'array', items: USER }, docs: MR_SINGLE_DOCS },
];

/** A copy of `doc` with each override applied; throws when the document no longer has the stated official schema. */
export function withResponseOverrides(doc: SwaggerDocument, overrides: readonly ResponseOverride[]): SwaggerDocument {
  const copy = structuredClone(doc);
  for (const o of overrides) {
    const keys = o.pointer.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop()!;
    let parent: unknown = copy;
    for (const k of keys) parent = (parent as Record<string, unknown> | undefined)?.[k];
    const node = parent as Record<string, unknown> | undefined;
    if (node === undefined || JSON.stringify(node[last]) !== JSON.stringify(o.official)) {
      throw new Error(`response override ${o.pointer}: the description has ${JSON.stringify(node?.[last])}, not ${JSON.stringify(o.official)}`);
    }
    node[last] = structuredClone(o.real) as unknown;
  }
  return copy;
}
/** ACR's data-plane description, its `/oauth2/exchange` and `/oauth2/token` (test/fixtures/cloud/SOURCES.md). */
export const loadAcrOAuth2Swagger = (): SwaggerDocument => loadSwagger('../cloud/acr-data-plane-oauth2.excerpt.json');

function deref<T>(doc: SwaggerDocument, ref: string): T {
  let node: unknown = doc;
  for (const p of ref.replace(/^#\//, '').split('/')) node = (node as Record<string, unknown>)[p];
  if (node === undefined) throw new Error(`unresolvable $ref ${ref}`);
  return node as T;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/**
 * Validate against a Swagger 2.0 schema. `request` mode is strict (undeclared properties fail);
 * in `response` mode an optional property may be null (Swagger 2.0 cannot say nullable).
 */
export function validateSwaggerSchema(doc: SwaggerDocument, schema: Schema, value: unknown, at: string, mode: 'request' | 'response'): string[] {
  if (schema.$ref) return validateSwaggerSchema(doc, deref<Schema>(doc, schema.$ref), value, at, mode);
  const errors: string[] = [];
  if (schema.type) {
    const actual = typeOf(value);
    const ok = actual === schema.type || (schema.type === 'number' && actual === 'integer');
    if (!ok) return [`${at}: expected ${schema.type}, got ${actual}`];
  }
  if (schema.enum && !schema.enum.some((e) => e === value)) errors.push(`${at}: ${JSON.stringify(value)} not in enum ${JSON.stringify(schema.enum)}`);
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => errors.push(...validateSwaggerSchema(doc, schema.items!, v, `${at}[${i}]`, mode)));
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in obj)) errors.push(`${at}: missing required property "${r}"`);
    for (const [k, v] of Object.entries(obj)) {
      const prop = schema.properties?.[k];
      if (prop) {
        if (v === null && mode === 'response' && !(schema.required ?? []).includes(k)) continue;
        errors.push(...validateSwaggerSchema(doc, prop, v, `${at}.${k}`, mode));
      } else if (typeof schema.additionalProperties === 'object') errors.push(...validateSwaggerSchema(doc, schema.additionalProperties, v, `${at}.${k}`, mode));
      else if (schema.additionalProperties === false || (mode === 'request' && schema.properties)) errors.push(`${at}: unknown property "${k}"`);
    }
  }
  return errors;
}

export interface SwaggerMatch {
  readonly template: string;
  readonly operation: Operation;
  readonly params: Record<string, string>;
  readonly parameters: Param[];
}

/** Match a concrete raw path (`/api/v4/projects/g%2Fp/merge_requests`) to an operation. */
export function matchSwagger(doc: SwaggerDocument, method: string, rawPath: string): SwaggerMatch | undefined {
  const base = doc.basePath ?? '';
  if (!rawPath.startsWith(`${base}/`)) return undefined;
  const segs = rawPath.slice(base.length).split('/');
  for (const [template, item] of Object.entries(doc.paths)) {
    const operation = item[method.toLowerCase()] as Operation | undefined;
    if (!operation) continue;
    const tsegs = template.split('/');
    if (tsegs.length !== segs.length) continue;
    const params: Record<string, string> = {};
    const ok = tsegs.every((t, i) => {
      const m = /^\{(.+)\}$/.exec(t);
      if (m) {
        params[m[1]!] = decodeURIComponent(segs[i]!);
        return segs[i] !== '';
      }
      return t === segs[i];
    });
    const resolve = (p: Param): Param => (p.$ref !== undefined ? deref<Param>(doc, p.$ref) : p);
    if (ok) return { template, operation, params, parameters: [...(item.parameters ?? []), ...(operation.parameters ?? [])].map(resolve) };
  }
  return undefined;
}

/** A path, query or form value (always text on the wire) against its parameter's type and enum. */
function scalarProblems(doc: SwaggerDocument, p: Param, v: string, at: string): string[] {
  const typed: unknown = p.type === 'integer' ? (/^-?\d+$/.test(v) ? Number(v) : v) : p.type === 'boolean' ? (v === 'true' ? true : v === 'false' ? false : v) : v;
  if (p.type === 'array') return v.split(',').flatMap((x, i) => (p.items ? validateSwaggerSchema(doc, p.items, x, `${at}[${i}]`, 'request') : []));
  return validateSwaggerSchema(doc, { type: p.type, enum: p.enum }, typed, at, 'request');
}

/** Path parameters, query string and JSON body against the operation's parameters. */
export function validateSwaggerRequest(doc: SwaggerDocument, m: SwaggerMatch, query: URLSearchParams, body: unknown): string[] {
  const errors: string[] = [];
  const where = `${m.operation.operationId} ${m.template}`;
  const scalar = (p: Param, v: string, at: string): string[] => scalarProblems(doc, p, v, at);
  for (const p of m.parameters.filter((x) => x.in === 'path')) {
    const v = m.params[p.name];
    if (v === undefined) errors.push(`${where}: missing path parameter ${p.name}`);
    else errors.push(...scalar(p, v, `${where} path ${p.name}`));
  }
  const queryParams = new Map(m.parameters.filter((x) => x.in === 'query').map((p) => [p.name, p] as const));
  for (const [k, v] of query) {
    const p = queryParams.get(k);
    if (!p) errors.push(`${where}: unknown query parameter "${k}"`);
    else errors.push(...scalar(p, v, `${where}?${k}`));
  }
  const bodyParam = m.parameters.find((x) => x.in === 'body');
  if (bodyParam?.schema) {
    if (body === undefined) {
      if (bodyParam.required) errors.push(`${where}: missing request body`);
    } else errors.push(...validateSwaggerSchema(doc, bodyParam.schema, body, `${where} request body`, 'request'));
  } else if (body !== undefined) errors.push(`${where}: the operation takes no request body`);
  return errors;
}

/**
 * A form-encoded request (`in: formData` parameters): the content type among the operation's
 * `consumes`, every required field present, no undeclared field (except `tolerated`: fields a
 * description omits that the service is known to accept), each value of its type and enum. The
 * query string is checked as by validateSwaggerRequest.
 */
export function validateSwaggerForm(doc: SwaggerDocument, m: SwaggerMatch, query: URLSearchParams, contentType: string | undefined, form: URLSearchParams, tolerated: readonly string[] = []): string[] {
  const where = `${m.operation.operationId} ${m.template}`;
  const errors = validateSwaggerRequest(doc, m, query, undefined);
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (m.operation.consumes !== undefined && !m.operation.consumes.includes(media)) errors.push(`${where}: content type "${media}" not in consumes ${JSON.stringify(m.operation.consumes)}`);
  const fields = new Map(m.parameters.filter((x) => x.in === 'formData').map((p) => [p.name, p] as const));
  for (const p of fields.values()) if (p.required && !form.has(p.name)) errors.push(`${where}: missing required form field "${p.name}"`);
  for (const [k, v] of form) {
    const p = fields.get(k);
    if (p) errors.push(...scalarProblems(doc, p, v, `${where} form ${k}`));
    else if (!tolerated.includes(k)) errors.push(`${where}: unknown form field "${k}"`);
  }
  return errors;
}

/** A response body against the operation's schema for that status (else its `default` response). */
export function validateSwaggerResponse(doc: SwaggerDocument, m: SwaggerMatch, status: number, body: unknown): string[] {
  let response = m.operation.responses[String(status)] ?? m.operation.responses['default'];
  if (!response) return [`${m.operation.operationId}: status ${status} is not a documented response`];
  if (response.$ref) response = deref<{ schema?: Schema }>(doc, response.$ref);
  if (!response?.schema) return [];
  return validateSwaggerSchema(doc, response.schema, body, `${m.operation.operationId} ${status} response`, 'response');
}

// ---------------------------------------------------------------- the servers

export interface StoredRequest {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
  merged: boolean;
  labels: string[];
  comments: string[];
  /** Head repository differs (a fork). */
  fork?: boolean;
}

export interface CodeHostApiServer {
  readonly kind: 'gitlab' | 'gitea';
  /** API base URL to give the client (`http://127.0.0.1:PORT/api/v4`). */
  readonly apiUrl: string;
  readonly requests: StoredRequest[];
  readonly violations: string[];
  /** `METHOD path?query` of every call, in order. */
  readonly calls: string[];
  /** Add a request as if people had made it (e.g. closed long ago). */
  seed(r: Omit<StoredRequest, 'number' | 'comments'> & { comments?: string[] }): StoredRequest;
  close(): Promise<void>;
}

export interface CodeHostApiOptions {
  readonly kind: 'gitlab' | 'gitea';
  readonly token: string;
  /** `group/project` (GitLab) or `owner/repo` (Gitea). */
  readonly repository: string;
  /** Largest page the server hands out (hosts cap `per_page` / `limit`); default 100. */
  readonly maxPageSize?: number;
  /** The Git host's branches: creating a request for a missing head fails as the host would. */
  readonly branchExists?: (branch: string) => Promise<boolean>;
}

const NOW = '2026-12-01T00:00:00Z';

function gitlabMr(r: StoredRequest, repository: string, origin: string): Json {
  const user = { id: 1, username: 'tagstream', name: 'Tagstream', state: 'active', avatar_url: '', web_url: `${origin}/tagstream` };
  // GitLab's merge-request JSON as its REST documentation shows it, less the fields that no test
  // reads and that GitLab's published description mistypes (user_notes_count, upvotes, downvotes,
  // target_project_id, draft, work_in_progress, merge_when_pipeline_succeeds,
  // force_remove_source_branch, squash, squash_on_merge, task_completion_status, has_conflicts,
  // blocking_discussions_resolved): sending them would take more GITLAB_RESPONSE_OVERRIDES and test
  // nothing the adapter does.
  return {
    id: 1000 + r.number,
    iid: r.number,
    project_id: 7,
    title: r.title,
    description: r.body,
    state: r.merged ? 'merged' : r.state === 'open' ? 'opened' : 'closed',
    created_at: NOW,
    updated_at: NOW,
    merged_by: null,
    merge_user: null,
    merged_at: r.merged ? NOW : null,
    closed_by: null,
    closed_at: r.state === 'closed' && !r.merged ? NOW : null,
    target_branch: r.base,
    source_branch: r.head,
    author: user,
    assignees: [],
    assignee: null,
    reviewers: [],
    source_project_id: r.fork ? 8 : 7,
    labels: r.labels,
    milestone: null,
    merge_status: 'can_be_merged',
    detailed_merge_status: 'mergeable',
    sha: 'a'.repeat(40),
    merge_commit_sha: null,
    squash_commit_sha: null,
    discussion_locked: null,
    should_remove_source_branch: null,
    reference: `!${r.number}`,
    references: { short: `!${r.number}`, relative: `!${r.number}`, full: `${repository}!${r.number}` },
    web_url: `${origin}/${repository}/-/merge_requests/${r.number}`,
    time_stats: { time_estimate: 0, total_time_spent: 0 },
  };
}

function giteaPull(r: StoredRequest, repository: string, origin: string): Json {
  const [owner, name] = repository.split('/') as [string, string];
  const user = { id: 1, login: 'tagstream', full_name: 'Tagstream', email: 'bot@example.test', avatar_url: '', username: 'tagstream' };
  const repo = { id: r.fork ? 8 : 7, name, full_name: r.fork ? `fork/${name}` : repository, owner: { id: 2, login: owner, username: owner }, private: false, fork: false, html_url: `${origin}/${repository}`, clone_url: `${origin}/${repository}.git` };
  const branch = (ref: string) => ({ label: ref, ref, sha: 'a'.repeat(40), repo_id: 7, repo });
  return {
    id: 1000 + r.number,
    number: r.number,
    url: `${origin}/${repository}/pulls/${r.number}`,
    html_url: `${origin}/${repository}/pulls/${r.number}`,
    diff_url: `${origin}/${repository}/pulls/${r.number}.diff`,
    patch_url: `${origin}/${repository}/pulls/${r.number}.patch`,
    user,
    title: r.title,
    body: r.body,
    labels: r.labels.map((l, i) => ({ id: i + 1, name: l, color: 'ededed', description: '', exclusive: false, is_archived: false, url: `${origin}/api/v1/repos/${repository}/labels/${i + 1}` })),
    milestone: null,
    assignee: null,
    assignees: null,
    requested_reviewers: null,
    state: r.state,
    draft: false,
    is_locked: false,
    comments: r.comments.length,
    review_comments: 0,
    additions: 1,
    deletions: 1,
    changed_files: 1,
    mergeable: true,
    merged: r.merged,
    merged_at: r.merged ? NOW : null,
    merge_commit_sha: null,
    merged_by: null,
    allow_maintainer_edit: false,
    base: branch(r.base),
    head: { ...branch(r.head), repo_id: r.fork ? 8 : 7 },
    merge_base: 'b'.repeat(40),
    due_date: null,
    created_at: NOW,
    updated_at: NOW,
    closed_at: r.state === 'closed' ? NOW : null,
    pin_order: 0,
  };
}

/** Start a loopback GitLab or Gitea API for one repository. */
export async function startCodeHostApi(options: CodeHostApiOptions): Promise<CodeHostApiServer> {
  // Requests are checked against `doc` as vendored; responses against `responses` (GitLab: with the overrides).
  const descriptions: { doc: SwaggerDocument; responses: SwaggerDocument }[] = [];
  if (options.kind === 'gitlab') {
    const official = loadGitLabSwagger();
    const notes = loadGitLabNotesSwagger();
    descriptions.push({ doc: official, responses: withResponseOverrides(official, GITLAB_RESPONSE_OVERRIDES) }, { doc: notes, responses: notes });
  } else {
    const gitea = loadGiteaSwagger();
    descriptions.push({ doc: gitea, responses: gitea });
  }
  const requests: StoredRequest[] = [];
  const violations: string[] = [];
  const calls: string[] = [];
  let origin = '';
  const maxPage = options.maxPageSize ?? 100;
  const render = (r: StoredRequest): Json => (options.kind === 'gitlab' ? gitlabMr(r, options.repository, origin) : giteaPull(r, options.repository, origin));

  const authorized = (req: IncomingMessage): boolean =>
    options.kind === 'gitlab' ? req.headers['private-token'] === options.token : req.headers['authorization'] === `token ${options.token}`;

  async function handle(req: IncomingMessage, res: ServerResponse, m: SwaggerMatch, url: URL, body: unknown, responseDoc: SwaggerDocument): Promise<void> {
    const send = (status: number, json: unknown, headers: Record<string, string> = {}): void => {
      violations.push(...validateSwaggerResponse(responseDoc, m, status, json));
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(json === undefined ? '' : JSON.stringify(json));
    };
    const fail = (status: number, message: string): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(options.kind === 'gitlab' ? { message: [message] } : { message, url: `${origin}/api/swagger` }));
    };
    const repoOk = options.kind === 'gitlab' ? m.params['id'] === options.repository : `${m.params['owner']}/${m.params['repo']}` === options.repository;
    if (!repoOk) return fail(404, '404 Project Not Found');
    const number = Number(m.params['merge_request_iid'] ?? m.params['noteable_id'] ?? m.params['index']);
    const found = requests.find((r) => r.number === number);
    const b = (body ?? {}) as Record<string, unknown>;
    const op = m.operation.operationId;

    if (op === 'getApiV4ProjectsIdMergeRequests' || op === 'repoListPullRequests') {
      const q = url.searchParams;
      const state = q.get('state') ?? (options.kind === 'gitlab' ? 'all' : 'open');
      let list = [...requests].sort((a, b2) => b2.number - a.number);
      list = list.filter((r) => {
        if (options.kind === 'gitlab') {
          const s = r.merged ? 'merged' : r.state === 'open' ? 'opened' : 'closed';
          if (state !== 'all' && state !== s) return false;
          if (q.get('target_branch') && r.base !== q.get('target_branch')) return false;
          if (q.get('source_branch') && r.head !== q.get('source_branch')) return false;
          return true;
        }
        return state === 'all' || r.state === state;
      });
      const size = Math.min(Number(q.get(options.kind === 'gitlab' ? 'per_page' : 'limit') ?? '20'), maxPage);
      const page = Number(q.get('page') ?? '1');
      const slice = list.slice((page - 1) * size, page * size);
      const headers: Record<string, string> = { 'x-total': String(list.length) };
      if (page * size < list.length) {
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        headers['link'] = `<${origin}${next.pathname}${next.search}>; rel="next"`;
      }
      return send(200, slice.map(render), headers);
    }
    if (op === 'postApiV4ProjectsIdMergeRequests' || op === 'repoCreatePullRequest') {
      const head = String(options.kind === 'gitlab' ? b['source_branch'] : b['head']);
      const base = String(options.kind === 'gitlab' ? b['target_branch'] : b['base']);
      if (options.branchExists && !(await options.branchExists(head))) return fail(options.kind === 'gitlab' ? 422 : 404, `Source branch "${head}" does not exist`);
      const dup = requests.find((r) => r.state === 'open' && r.head === head && r.base === base);
      if (dup) return fail(409, options.kind === 'gitlab' ? `Another open merge request already exists for this source branch: !${dup.number}` : 'pull request already exists for these targets');
      const r: StoredRequest = { number: requests.length + 1, title: String(b['title']), body: String((options.kind === 'gitlab' ? b['description'] : b['body']) ?? ''), head, base, state: 'open', merged: false, labels: [], comments: [] };
      requests.push(r);
      return send(201, render(r));
    }
    if (!found) return fail(404, '404 Not found');
    if (op === 'putApiV4ProjectsIdMergeRequestsMergeRequestIid') {
      if (typeof b['title'] === 'string') found.title = b['title'];
      if (typeof b['description'] === 'string') found.body = b['description'];
      if (b['state_event'] === 'close') found.state = 'closed';
      if (b['state_event'] === 'reopen') found.state = 'open';
      for (const l of (b['add_labels'] as string[] | undefined) ?? []) if (!found.labels.includes(l)) found.labels.push(l);
      return send(200, render(found));
    }
    if (op === 'repoEditPullRequest') {
      if (typeof b['title'] === 'string') found.title = b['title'];
      if (typeof b['body'] === 'string') found.body = b['body'];
      if (b['state'] === 'closed' || b['state'] === 'open') found.state = b['state'];
      return send(201, render(found));
    }
    if (op === 'postApiV4ProjectsIdMergeRequestsNoteableIdNotes' || op === 'issueCreateComment') {
      found.comments.push(String(b['body']));
      const note =
        options.kind === 'gitlab'
          ? { id: found.comments.length, type: null, body: String(b['body']), attachment: null, author: { id: 1, username: 'tagstream', name: 'Tagstream', state: 'active', avatar_url: '', web_url: '' }, created_at: NOW, updated_at: NOW, system: false, noteable_id: 1000 + found.number, noteable_type: 'MergeRequest', project_id: 7, resolvable: false, confidential: false, internal: false, noteable_iid: found.number }
          : { id: found.comments.length, html_url: `${origin}/${options.repository}/pulls/${found.number}#issuecomment-${found.comments.length}`, pull_request_url: `${origin}/${options.repository}/pulls/${found.number}`, issue_url: '', user: { id: 1, login: 'tagstream' }, original_author: '', original_author_id: 0, body: String(b['body']), assets: [], created_at: NOW, updated_at: NOW };
      return send(201, note);
    }
    if (op === 'issueAddLabel') {
      for (const l of (b['labels'] as string[] | undefined) ?? []) if (!found.labels.includes(l)) found.labels.push(l);
      return send(200, found.labels.map((l, i) => ({ id: i + 1, name: l, color: 'ededed', description: '', exclusive: false, is_archived: false, url: '' })));
    }
    violations.push(`${op}: not implemented by the stub`);
    return fail(501, 'not implemented');
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawPath = (req.url ?? '/').split('?')[0]!;
      const url = new URL(req.url ?? '/', origin);
      calls.push(`${req.method} ${req.url}`);
      let m: SwaggerMatch | undefined;
      let description = descriptions[0]!;
      for (const d of descriptions) {
        m = matchSwagger(d.doc, req.method ?? 'GET', rawPath);
        if (m) {
          description = d;
          break;
        }
      }
      if (!m) {
        violations.push(`${req.method} ${rawPath}: no such operation in the ${options.kind} description`);
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"message":"404 Not Found"}');
        return;
      }
      if (!authorized(req)) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: '401 Unauthorized' }));
        return;
      }
      let body: unknown;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text !== '') {
        if (!/^application\/json/.test(req.headers['content-type'] ?? '')) violations.push(`${m.operation.operationId}: body sent as ${req.headers['content-type']}`);
        body = JSON.parse(text) as unknown;
      }
      violations.push(...validateSwaggerRequest(description.doc, m, url.searchParams, body));
      handle(req, res, m, url, body, description.responses).catch((e: unknown) => {
        violations.push(`stub error: ${String(e)}`);
        res.writeHead(500);
        res.end();
      });
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    kind: options.kind,
    // GitLab's description has no basePath (its paths start with /api/v4); Gitea's is /api/v1.
    apiUrl: options.kind === 'gitlab' ? `${origin}/api/v4` : `${origin}${descriptions[0]!.doc.basePath ?? ''}`,
    requests,
    violations,
    calls,
    seed(r) {
      const stored: StoredRequest = { ...r, number: requests.length + 1, comments: r.comments ?? [] };
      requests.push(stored);
      return stored;
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
