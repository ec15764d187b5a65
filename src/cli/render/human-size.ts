/** docker/go-units HumanSize: decimal units, 4 significant digits ("72.85MB", "1.2kB", "0B"). Pure. */

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'] as const;

/** Go's `%.4g` for the values HumanSize produces (non-negative, below 1000 after scaling). */
function formatG4(value: number): string {
  if (value === 0) return '0';
  const fixed = value.toPrecision(4);
  if (/e/.test(fixed)) return fixed;
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** Bytes as docker prints them (`units.HumanSize(float64(n))`). */
export function humanSize(bytes: number): string {
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < DECIMAL_UNITS.length - 1) {
    size /= 1000;
    i++;
  }
  return `${formatG4(size)}${DECIMAL_UNITS[i]}`;
}
