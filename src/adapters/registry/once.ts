/** Identical lookups share one promise while the map is kept; failures are not remembered. */
export function once<T>(map: Map<string, Promise<T>>, key: string, fn: () => Promise<T>): Promise<T> {
  let p = map.get(key);
  if (!p) {
    p = fn();
    map.set(key, p);
    p.catch(() => {
      if (map.get(key) === p) map.delete(key);
    });
  }
  return p;
}
