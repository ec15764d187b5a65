/**
 * A small, strict parser of the Prometheus text format 0.0.4 for tests: every line must be a
 * HELP, a TYPE or a sample of the family announced just before; label values are unescaped.
 * Throws naming the line number and what was expected.
 */

export interface ParsedSample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

export interface ParsedFamily {
  readonly name: string;
  help: string;
  type: string;
  readonly samples: ParsedSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SUFFIXES: Record<string, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

export function parsePrometheusText(text: string): Map<string, ParsedFamily> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, ParsedFamily>();
  let current: ParsedFamily | undefined;
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, i) => {
      const at = `line ${i + 1} (${JSON.stringify(line)})`;
      // The format: "Empty lines are ignored" (prom-client separates families with one).
      if (line === '') return;
      const help = /^# HELP (\S+) (.*)$/.exec(line);
      if (help) {
        const name = help[1] as string;
        if (!NAME.test(name)) throw new Error(`${at}: bad metric name`);
        if (families.has(name)) throw new Error(`${at}: family ${name} declared twice`);
        if ((help[2] as string).replace(/\\[\\n]/g, '').includes('\\')) throw new Error(`${at}: bad escape in HELP`);
        current = { name, help: unescape(help[2] as string), type: '', samples: [] };
        families.set(name, current);
        return;
      }
      const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (type) {
        const family = current;
        if (family === undefined || family.name !== type[1] || family.type !== '') throw new Error(`${at}: TYPE must follow the HELP of the same family`);
        family.type = type[2] as string;
        return;
      }
      if (line.startsWith('#')) throw new Error(`${at}: unexpected comment`);
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
      if (!m) throw new Error(`${at}: expected "name{labels} value"`);
      if (current === undefined || current.type === '') throw new Error(`${at}: sample before HELP/TYPE`);
      const name = m[1] as string;
      const allowed = (SUFFIXES[current.type] ?? ['']).map((s) => current?.name + s);
      if (!allowed.includes(name)) throw new Error(`${at}: sample ${name} does not belong to family ${current.name}`);
      const value = parseValue(m[4] as string, at);
      current.samples.push({ name, labels: parseLabels(m[3] ?? '', at), value });
    });
  for (const f of families.values()) {
    if (f.type === '') throw new Error(`${f.name}: no TYPE line`);
    if (f.type === 'counter' && f.samples.some((s) => s.value < 0 || Number.isNaN(s.value))) throw new Error(`${f.name}: counters must be >= 0`);
  }
  return families;
}

function parseValue(text: string, at: string): number {
  // Prometheus reads values with Go's strconv.ParseFloat, which takes NaN and Inf in any case
  // (prom-client writes `Nan`).
  if (/^\+?inf$/i.test(text)) return Infinity;
  if (/^-inf$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text)) throw new Error(`${at}: bad value ${text}`);
  return Number(text);
}

function parseLabels(text: string, at: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest !== '') {
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/.exec(rest);
    if (!m) throw new Error(`${at}: bad label syntax near ${JSON.stringify(rest)}`);
    const key = m[1] as string;
    if (key in labels) throw new Error(`${at}: duplicate label ${key}`);
    labels[key] = unescape(m[2] as string);
    rest = rest.slice(m[0].length);
  }
  return labels;
}

function unescape(s: string): string {
  return s.replace(/\\(\\|"|n)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}
