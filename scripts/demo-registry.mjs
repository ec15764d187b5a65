// A tiny read-only OCI distribution endpoint over an OCI image layout, for `npm run demo` only:
// it lets the README's first command run a real reconcile with no registry to install.
// (Tests use the real CNCF registry; see test/harness/registry.ts.)
import { readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

/** Serve `layoutDir` on 127.0.0.1 (ephemeral port). Resolves to { host, url, close() }. */
export async function serveLayout(layoutDir) {
  const index = JSON.parse(readFileSync(join(layoutDir, 'index.json'), 'utf8'));
  const tags = new Map(); // "repo:tag" -> descriptor
  for (const m of index.manifests) {
    const ref = m.annotations?.['org.opencontainers.image.ref.name'];
    if (ref) tags.set(ref, m);
  }
  const blobPath = (digest) => join(layoutDir, 'blobs', 'sha256', digest.replace(/^sha256:/, ''));
  const mediaTypeOf = (bytes) => {
    try {
      return JSON.parse(bytes.toString('utf8')).mediaType;
    } catch {
      return undefined;
    }
  };
  const fail = (res, status, code, message) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code, message }] }));
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const head = req.method === 'HEAD';
    res.setHeader('Docker-Distribution-Api-Version', 'registry/2.0');
    if (url.pathname === '/v2/' || url.pathname === '/v2') return res.end(head ? undefined : '{}');
    const m = /^\/v2\/(.+)\/(manifests|blobs|tags)\/(.+)$/.exec(url.pathname);
    if (!m || (req.method !== 'GET' && !head)) return fail(res, 404, 'UNSUPPORTED', 'not supported by the demo registry');
    const [, repo, what, ref] = m;
    if (what === 'tags' && ref === 'list') {
      const list = [...tags.keys()].filter((k) => k.startsWith(`${repo}:`)).map((k) => k.slice(repo.length + 1)).sort();
      if (list.length === 0) return fail(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry');
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ name: repo, tags: list }));
    }
    const digest = ref.startsWith('sha256:') ? ref : tags.get(`${repo}:${ref}`)?.digest;
    if (!digest || !existsSync(blobPath(digest))) {
      return what === 'manifests' ? fail(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown') : fail(res, 404, 'BLOB_UNKNOWN', 'blob unknown');
    }
    const bytes = readFileSync(blobPath(digest));
    res.setHeader('Content-Length', String(bytes.length));
    res.setHeader('Docker-Content-Digest', digest);
    res.setHeader('Content-Type', what === 'manifests' ? (mediaTypeOf(bytes) ?? 'application/vnd.oci.image.manifest.v1+json') : 'application/octet-stream');
    res.end(head ? undefined : bytes);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
