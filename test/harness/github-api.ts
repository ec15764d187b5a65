/**
 * A loopback GitHub REST API for pull-request tests: the handful of endpoints pull-request mode uses
 * (list/read/create/update pulls, the issue search for closed pulls, issue comments, labels), backed by memory, and every request and response
 * checked against GitHub's published OpenAPI description (@octokit/openapi). Unknown paths, query
 * parameters, body fields or schema violations are recorded in `violations` (tests assert it is
 * empty), so a wrong field or path fails the test instead of passing against a lenient fake.
 *
 * Responses start from the OpenAPI document's own examples and override the fields that matter, so
 * they carry every required field GitHub's real answers do.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------- OpenAPI subset

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = { [k: string]: Json } & {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: Json[];
  items?: Schema;
  nullable?: boolean;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minItems?: number;
  additionalProperties?: boolean | Schema;
};

interface OpenApiParameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema;
  $ref?: string;
}

interface OpenApiOperation {
  operationId: string;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: Schema }> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    schemas: Record<string, Schema>;
    parameters: Record<string, OpenApiParameter>;
    responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
    examples: Record<string, { value: Json }>;
  };
}

const OPENAPI_PATH = fileURLToPath(new URL('../../node_modules/@octokit/openapi/generated/api.github.com.json', import.meta.url));

/** Load GitHub's OpenAPI description (13 MB: once per test file). */
export function loadGitHubOpenApi(): OpenApiDocument {
  return JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as OpenApiDocument;
}

function resolveRef<T>(doc: OpenApiDocument, ref: string): T {
  const parts = ref.replace(/^#\//, '').split('/');
  let node: unknown = doc;
  for (const p of parts) node = (node as Record<string, unknown>)[p];
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
 * Validate `value` against a JSON-schema subset (type, properties, required, enum, items, minItems,
 * nullable, anyOf, oneOf, allOf, $ref, additionalProperties). `strict` also rejects properties a
 * schema does not declare (used for request bodies: a misspelt field must fail).
 */
export function validateSchema(doc: OpenApiDocument, schema: Schema, value: unknown, at = '$', strict = false): string[] {
  if (schema.$ref) return validateSchema(doc, resolveRef<Schema>(doc, schema.$ref), value, at, strict);
  const errors: string[] = [];
  if (value === null && schema.nullable) return errors;
  if (schema.allOf) for (const s of schema.allOf) errors.push(...validateSchema(doc, s, value, at, false));
  for (const [kw, list] of [['anyOf', schema.anyOf], ['oneOf', schema.oneOf]] as const) {
    if (!list) continue;
    const passing = list.filter((s) => validateSchema(doc, s, value, at, strict).length === 0).length;
    if (passing === 0) errors.push(`${at}: matches none of ${kw}`);
    if (kw === 'oneOf' && passing > 1) errors.push(`${at}: matches ${passing} schemas of oneOf`);
  }
  if (schema.type) {
    const actual = typeOf(value);
    const ok = actual === schema.type || (schema.type === 'number' && actual === 'integer');
    if (!ok) {
      errors.push(`${at}: expected ${schema.type}${schema.nullable ? ' or null' : ''}, got ${actual}`);
      return errors;
    }
  }
  if (schema.enum && !schema.enum.some((e) => e === value)) errors.push(`${at}: ${JSON.stringify(value)} not in enum ${JSON.stringify(schema.enum)}`);
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${at}: fewer than ${schema.minItems} items`);
    if (schema.items) value.forEach((v, i) => errors.push(...validateSchema(doc, schema.items!, v, `${at}[${i}]`, strict)));
  } else if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in obj)) errors.push(`${at}: missing required property "${r}"`);
    for (const [k, v] of Object.entries(obj)) {
      const prop = schema.properties?.[k];
      if (prop) errors.push(...validateSchema(doc, prop, v, `${at}.${k}`, strict));
      else if (typeof schema.additionalProperties === 'object') errors.push(...validateSchema(doc, schema.additionalProperties, v, `${at}.${k}`, strict));
      else if (schema.additionalProperties === false || (strict && schema.properties)) errors.push(`${at}: unknown property "${k}"`);
    }
  }
  return errors;
}

interface MatchedOperation {
  readonly template: string;
  readonly operation: OpenApiOperation;
  readonly params: Record<string, string>;
}

/** Find the operation for a method and concrete path (`/repos/o/r/pulls/3`). */
export function matchOperation(doc: OpenApiDocument, method: string, path: string): MatchedOperation | undefined {
  const segs = path.split('/');
  for (const [template, item] of Object.entries(doc.paths)) {
    const operation = item[method.toLowerCase()];
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
    if (ok) return { template, operation, params };
  }
  return undefined;
}

function parametersOf(doc: OpenApiDocument, op: OpenApiOperation): OpenApiParameter[] {
  return (op.parameters ?? []).map((p) => (p.$ref ? resolveRef<OpenApiParameter>(doc, p.$ref) : p));
}

/** Check a request's path parameters, query string and JSON body against the operation. */
export function validateRequest(doc: OpenApiDocument, matched: MatchedOperation, query: URLSearchParams, body: unknown): string[] {
  const errors: string[] = [];
  const where = `${matched.template}`;
  const params = parametersOf(doc, matched.operation);
  for (const p of params.filter((x) => x.in === 'path')) {
    const v = matched.params[p.name];
    if (v === undefined) errors.push(`${where}: missing path parameter ${p.name}`);
    else if (p.schema?.type === 'integer' && !/^\d+$/.test(v)) errors.push(`${where}: path parameter ${p.name}=${v} is not an integer`);
  }
  const queryParams = new Map(params.filter((x) => x.in === 'query').map((p) => [p.name, p] as const));
  for (const [k, v] of query) {
    const p = queryParams.get(k);
    if (!p) {
      errors.push(`${where}: unknown query parameter "${k}"`);
      continue;
    }
    const s = p.schema ?? {};
    const typed: unknown = s.type === 'integer' ? (/^-?\d+$/.test(v) ? Number(v) : v) : s.type === 'boolean' ? v === 'true' : v;
    errors.push(...validateSchema(doc, s, typed, `${where}?${k}`));
  }
  const bodySchema = matched.operation.requestBody?.content?.['application/json']?.schema;
  // An optional body may be left out (GitHub's `required: false`); a required one may not.
  if (bodySchema && body === undefined) {
    if (matched.operation.requestBody?.required === true) errors.push(`${where}: missing required request body`);
  } else if (bodySchema) errors.push(...validateSchema(doc, bodySchema, body, `${where} request body`, true));
  else if (body !== undefined) errors.push(`${where}: the operation takes no request body`);
  return errors;
}

/** Check a response body against the operation's schema for that status. */
export function validateResponse(doc: OpenApiDocument, matched: MatchedOperation, status: number, body: unknown): string[] {
  let response = matched.operation.responses[String(status)];
  if (!response) return [`${matched.template}: status ${status} is not a documented response`];
  if (response.$ref) response = resolveRef(doc, response.$ref);
  const schema = response?.content?.['application/json']?.schema;
  if (!schema) return body === undefined ? [] : [`${matched.template}: status ${status} documents no JSON body`];
  return validateSchema(doc, schema, body, `${matched.template} ${status} response`);
}

// ---------------------------------------------------------------- the server

export interface StoredPull {
  number: number;
  title: string;
  body: string;
  head: string;
  headSha: string;
  base: string;
  state: 'open' | 'closed';
  mergedAt: string | null;
  closedAt: string | null;
  labels: string[];
  comments: string[];
  createdAt: string;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly body: unknown;
  readonly status: number;
  readonly authorization: string | undefined;
}

export interface GitHubApiOptions {
  readonly owner?: string;
  readonly repo?: string;
  /** When set, requests must carry `Authorization: Bearer <token>` (or `token <token>`). */
  readonly token?: string | undefined;
  /** Prefix the API is served under (`/api/v3` like GitHub Enterprise); default none. */
  readonly prefix?: string | undefined;
  readonly openapi?: OpenApiDocument | undefined;
  /** Head branch SHA lookup (e.g. from the test's git remote); 422 when it answers undefined. */
  readonly branchSha?: ((branch: string) => Promise<string | undefined>) | undefined;
  /** Page size cap (GitHub allows 100); small values exercise pagination. */
  readonly maxPerPage?: number | undefined;
}

/**
 * A canned failure answered instead of the next request (rate limits, as GitHub documents them in
 * "Rate limits for the REST API": 403/429 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset`,
 * or a secondary limit with `retry-after` and its message). The request is still validated.
 */
export interface CannedFailure {
  readonly status: number;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

export interface GitHubApiServer {
  /** Base URL to use as GITHUB_API_URL. */
  readonly apiUrl: string;
  readonly pulls: StoredPull[];
  readonly requests: RecordedRequest[];
  /** OpenAPI mismatches seen so far (tests assert `[]`). */
  readonly violations: string[];
  /** Seed a PR directly (e.g. one a human closed earlier). */
  addPull(pull: Partial<StoredPull> & Pick<StoredPull, 'head' | 'base' | 'title' | 'body'>): StoredPull;
  /** What a human does in the web UI. */
  closePull(number: number, merged: boolean): void;
  /** Answer the next requests with these failures, in order. */
  failNext(...failures: CannedFailure[]): void;
  close(): Promise<void>;
}

const EPOCH = '2026-01-01T00:00:00Z';

/** Start the loopback API on 127.0.0.1 with an ephemeral port. */
export async function startGitHubApi(options: GitHubApiOptions = {}): Promise<GitHubApiServer> {
  const doc = options.openapi ?? loadGitHubOpenApi();
  const owner = options.owner ?? 'octo';
  const repo = options.repo ?? 'gitops';
  const prefix = options.prefix ?? '';
  const pulls: StoredPull[] = [];
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  let nextNumber = 1;
  let nextCommentId = 1;
  let baseUrl = '';

  const example = (name: string): Record<string, Json> => structuredClone(doc.components.examples[name]!.value) as Record<string, Json>;
  const prUrl = (n: number) => `${baseUrl}/${owner}/${repo}/pull/${n}`;

  function pullJson(p: StoredPull, simple: boolean): Record<string, Json> {
    const j = simple ? (example('pull-request-simple-items') as unknown as Record<string, Json>[])[0]! : example('pull-request');
    const apiBase = `${baseUrl}${prefix}/repos/${owner}/${repo}`;
    const repoJson = (j['base'] as Record<string, Json>)['repo'] as Record<string, Json>;
    repoJson['full_name'] = `${owner}/${repo}`;
    repoJson['name'] = repo;
    Object.assign(j, {
      url: `${apiBase}/pulls/${p.number}`,
      id: 1000 + p.number,
      number: p.number,
      html_url: prUrl(p.number),
      state: p.state,
      title: p.title,
      body: p.body,
      created_at: p.createdAt,
      updated_at: p.createdAt,
      closed_at: p.closedAt,
      merged_at: p.mergedAt,
      labels: p.labels.map((name, i) => ({ ...example('label'), id: i + 1, name })) as Json,
      // The published examples lag their schemas here (teams without `type`): a PR nobody reviews.
      requested_teams: [],
      requested_reviewers: [],
      head: { ...(j['head'] as Record<string, Json>), ref: p.head, sha: p.headSha, label: `${owner}:${p.head}`, repo: repoJson },
      base: { ...(j['base'] as Record<string, Json>), ref: p.base, label: `${owner}:${p.base}`, repo: repoJson },
    });
    if (!simple) Object.assign(j, { merged: p.mergedAt !== null, mergeable: null, rebaseable: null, mergeable_state: 'unknown', comments: p.comments.length });
    return j;
  }

  const error = (message: string, status: number): [number, Json] => [status, status === 422 ? { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message }], documentation_url: 'https://docs.github.com/rest' } : { message, documentation_url: 'https://docs.github.com/rest' }];

  /** GitHub's issue search over the stored pulls: the qualifiers Tagstream sends, anything else is a violation. */
  function search(query: URLSearchParams): [number, Json] {
    const terms = (query.get('q') ?? '').split(/\s+/).filter((t) => t !== '');
    let list = [...pulls];
    let kind = '';
    for (const term of terms) {
      const [qualifier, value = ''] = term.split(/:(.*)/s) as [string, string?];
      if (qualifier === 'repo') {
        if (value !== `${owner}/${repo}`) list = [];
      } else if (term === 'is:pr' || term === 'is:pull-request') kind = 'pr';
      else if (term === 'is:closed' || term === 'is:open') list = list.filter((p) => p.state === value);
      else if (term === 'is:merged' || term === 'is:unmerged') list = list.filter((p) => (p.mergedAt !== null) === (value === 'merged'));
      else if (qualifier === 'base') list = list.filter((p) => p.base === value);
      // GitHub: head:change matches "branch names beginning with the word change".
      else if (qualifier === 'head') list = list.filter((p) => p.head.startsWith(value) && !/[A-Za-z0-9]/.test(p.head.charAt(value.length)));
      else violations.push(`GET /search/issues: search term the test server does not model: ${JSON.stringify(term)}`);
    }
    if (kind !== 'pr') violations.push('GET /search/issues: the query lacks is:pr (GitHub Apps get 422 without it)');
    list.sort((a, b) => (query.get('order') === 'asc' ? a.number - b.number : b.number - a.number));
    const perPage = Math.min(Number(query.get('per_page') ?? 30), options.maxPerPage ?? 100);
    const page = Number(query.get('page') ?? 1);
    pendingLink = list.length > page * perPage ? `<${nextPageUrl(query, page + 1, '/search/issues')}>; rel="next"` : undefined;
    const template = (example('issue-search-result-item-paginated')['items'] as Record<string, Json>[])[0]!;
    const items = list.slice((page - 1) * perPage, page * perPage).map((p) => {
      const issueUrl = `${baseUrl}${prefix}/repos/${owner}/${repo}/issues/${p.number}`;
      return {
        ...structuredClone(template),
        url: issueUrl,
        repository_url: `${baseUrl}${prefix}/repos/${owner}/${repo}`,
        labels_url: `${issueUrl}/labels{/name}`,
        comments_url: `${issueUrl}/comments`,
        events_url: `${issueUrl}/events`,
        html_url: prUrl(p.number),
        id: 1000 + p.number,
        number: p.number,
        title: p.title,
        body: p.body,
        state: p.state,
        labels: p.labels.map((name, i) => ({ id: i + 1, node_id: `L${i + 1}`, url: `${baseUrl}${prefix}/repos/${owner}/${repo}/labels/${name}`, name, color: 'ededed' })),
        milestone: null,
        comments: p.comments.length,
        created_at: p.createdAt,
        updated_at: p.createdAt,
        closed_at: p.closedAt,
        pull_request: { url: `${baseUrl}${prefix}/repos/${owner}/${repo}/pulls/${p.number}`, html_url: prUrl(p.number), diff_url: `${prUrl(p.number)}.diff`, patch_url: `${prUrl(p.number)}.patch`, merged_at: p.mergedAt },
        score: 1,
      } as Json;
    });
    return [200, { total_count: list.length, incomplete_results: false, search_type: 'lexical', items }];
  }

  async function handle(method: string, matched: MatchedOperation, query: URLSearchParams, body: Record<string, unknown>): Promise<[number, Json]> {
    const { template, params } = matched;
    if (template === '/search/issues' && method === 'GET') return search(query);
    if (params['owner'] !== owner || params['repo'] !== repo) return error('Not Found', 404);
    const find = (n: string | undefined) => pulls.find((p) => String(p.number) === n);
    if (template === '/repos/{owner}/{repo}/pulls/{pull_number}' && method === 'GET') {
      const p = find(params['pull_number']);
      return p ? [200, pullJson(p, false)] : error('Not Found', 404);
    }
    if (template === '/repos/{owner}/{repo}/pulls' && method === 'GET') {
      const state = query.get('state') ?? 'open';
      const head = query.get('head');
      const base = query.get('base');
      let list = pulls.filter((p) => (state === 'all' || p.state === state) && (!base || p.base === base) && (!head || `${owner}:${p.head}` === head));
      list = [...list].sort((a, b) => (query.get('direction') === 'asc' ? a.number - b.number : b.number - a.number));
      const perPage = Math.min(Number(query.get('per_page') ?? 30), options.maxPerPage ?? 100);
      const page = Number(query.get('page') ?? 1);
      const slice = list.slice((page - 1) * perPage, page * perPage);
      pendingLink = list.length > page * perPage ? `<${nextPageUrl(query, page + 1)}>; rel="next"` : undefined;
      return [200, slice.map((p) => pullJson(p, true))];
    }
    if (template === '/repos/{owner}/{repo}/pulls' && method === 'POST') {
      const head = String(body['head']);
      const base = String(body['base']);
      if (pulls.some((p) => p.state === 'open' && p.head === head && p.base === base)) return error(`A pull request already exists for ${owner}:${head}.`, 422);
      const sha = options.branchSha ? await options.branchSha(head) : '0'.repeat(40);
      if (sha === undefined) return error(`head ${head} does not exist`, 422);
      const p = addPull({ title: String(body['title']), body: String(body['body'] ?? ''), head, base, headSha: sha });
      return [201, pullJson(p, false)];
    }
    if (template === '/repos/{owner}/{repo}/pulls/{pull_number}' && method === 'PATCH') {
      const p = find(params['pull_number']);
      if (!p) return error('Not Found', 404);
      if (typeof body['title'] === 'string') p.title = body['title'];
      if (typeof body['body'] === 'string') p.body = body['body'];
      if (body['state'] === 'closed' && p.state === 'open') Object.assign(p, { state: 'closed', closedAt: EPOCH });
      if (body['state'] === 'open' && p.state === 'closed' && p.mergedAt === null) Object.assign(p, { state: 'open', closedAt: null });
      if (options.branchSha) p.headSha = (await options.branchSha(p.head)) ?? p.headSha;
      return [200, pullJson(p, false)];
    }
    if (template === '/repos/{owner}/{repo}/issues/{issue_number}/comments' && method === 'POST') {
      const p = find(params['issue_number']);
      if (!p) return error('Not Found', 404);
      p.comments.push(String(body['body']));
      const c = example('issue-comment');
      const id = nextCommentId++;
      Object.assign(c, { id, body: String(body['body']), html_url: `${prUrl(p.number)}#issuecomment-${id}`, issue_url: `${baseUrl}${prefix}/repos/${owner}/${repo}/issues/${p.number}` });
      return [201, c];
    }
    if (template === '/repos/{owner}/{repo}/issues/{issue_number}/labels' && method === 'POST') {
      const p = find(params['issue_number']);
      if (!p) return error('Not Found', 404);
      const labels = (body['labels'] as unknown[]).map((l) => (typeof l === 'string' ? l : String((l as { name: string }).name)));
      for (const l of labels) if (!p.labels.includes(l)) p.labels.push(l);
      return [200, p.labels.map((name, i) => ({ ...example('label'), id: i + 1, name }))];
    }
    return error(`not implemented by the test server: ${method} ${template}`, 404);
  }

  let pendingLink: string | undefined;
  const nextPageUrl = (query: URLSearchParams, page: number, path = `/repos/${owner}/${repo}/pulls`) => {
    const q = new URLSearchParams(query);
    q.set('page', String(page));
    return `${baseUrl}${prefix}${path}?${q}`;
  };
  const canned: CannedFailure[] = [];

  function addPull(p: Partial<StoredPull> & Pick<StoredPull, 'head' | 'base' | 'title' | 'body'>): StoredPull {
    const stored: StoredPull = { number: nextNumber++, headSha: '0'.repeat(40), state: 'open', mergedAt: null, closedAt: null, labels: [], comments: [], createdAt: EPOCH, ...p };
    nextNumber = Math.max(nextNumber, stored.number + 1);
    pulls.push(stored);
    return stored;
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', baseUrl);
    const method = req.method ?? 'GET';
    const send = (status: number, json: Json | undefined, headers: Record<string, string> = {}) => {
      requests.push({ method, path: url.pathname, query: url.search, body: raw === '' ? undefined : safeJson(raw), status, authorization: req.headers.authorization });
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(json === undefined ? '' : JSON.stringify(json));
    };
    if (!url.pathname.startsWith(`${prefix}/`)) {
      violations.push(`${method} ${url.pathname}: outside the API prefix ${prefix || '/'}`);
      return send(404, { message: 'Not Found' });
    }
    const path = url.pathname.slice(prefix.length);
    const matched = matchOperation(doc, method, path);
    if (!matched) {
      violations.push(`${method} ${path}: no such operation in GitHub's OpenAPI description`);
      return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    }
    if (req.headers.accept !== 'application/vnd.github+json') violations.push(`${method} ${path}: Accept is ${req.headers.accept}, expected application/vnd.github+json`);
    if (options.token) {
      const auth = req.headers.authorization ?? '';
      if (auth !== `Bearer ${options.token}` && auth !== `token ${options.token}`) {
        return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      }
    }
    let body: unknown;
    if (raw !== '') {
      body = safeJson(raw);
      if (body === undefined) violations.push(`${method} ${path}: request body is not JSON`);
      else if (!String(req.headers['content-type']).startsWith('application/json')) violations.push(`${method} ${path}: JSON body without content-type application/json`);
    }
    violations.push(...validateRequest(doc, matched, url.searchParams, body));
    const failure = canned.shift();
    if (failure) return send(failure.status, { message: failure.message, documentation_url: 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api' }, { ...failure.headers });
    pendingLink = undefined;
    const [status, json] = await handle(method, matched, url.searchParams, (body ?? {}) as Record<string, unknown>);
    violations.push(...validateResponse(doc, matched, status, json));
    send(status, json, pendingLink ? { link: pendingLink } : {});
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((e: unknown) => {
      violations.push(`server error: ${String(e)}`);
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl: `${baseUrl}${prefix}`,
    pulls,
    requests,
    violations,
    addPull,
    closePull(number: number, merged: boolean) {
      const p = pulls.find((x) => x.number === number);
      if (!p) throw new Error(`no PR #${number}`);
      Object.assign(p, { state: 'closed', closedAt: EPOCH, mergedAt: merged ? EPOCH : null });
    },
    failNext: (...failures: CannedFailure[]) => void canned.push(...failures),
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
