/**
 * The named exports of a dynamically imported CommonJS package, whoever loads it: Node's own loader
 * gives them on the namespace, esbuild's bundle (dist/cli/tagstream.js, the Action) only on `default`.
 */
export function cjsExports<T extends object>(namespace: T): T {
  const fallback = (namespace as { default?: unknown }).default;
  return typeof fallback === 'object' && fallback !== null ? { ...(fallback as T), ...namespace } : namespace;
}
