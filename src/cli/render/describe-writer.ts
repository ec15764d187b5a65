/**
 * The helpers of oc's describer (helpers.go: formatString, formatMapStringString,
 * formatAnnotations, formatMeta) writing tab-separated lines that are then aligned by the Go
 * tabwriter with oc's describe settings. Pure.
 */
import { DESCRIBE_TABWRITER, tabwrite } from './go-tabwriter.js';

const EMPTY = '<none>';

export class DescribeWriter {
  private text = '';

  /** Raw text, tabs included (fmt.Fprintf(out, ...)). */
  write(s: string): void {
    this.text += s;
  }

  /** `Label:\tvalue`; extra lines of a multi-line value go on `\tline` rows; '' prints <none>. */
  string(label: string, value: string): void {
    const lines = (value === '' ? EMPTY : value).split('\n');
    this.text += `${label}:`;
    for (const l of lines) this.text += `\t${l}\n`;
  }

  /** Sorted `k=v` rows under one label, `<none>` when empty. */
  map(label: string, items: Readonly<Record<string, string>> | undefined): void {
    const keys = Object.keys(items ?? {}).sort();
    if (keys.length === 0) {
      this.string(label, '');
      return;
    }
    keys.forEach((k, i) => {
      const kv = `${k}=${items?.[k] ?? ''}`;
      if (i === 0) this.string(label, kv);
      else this.text += `\t${kv}\n`;
    });
  }

  /** `Description:` (from the `description` annotation) then the other annotations. */
  annotations(annotations: Readonly<Record<string, string>> | undefined, prefix = ''): void {
    const rest: Record<string, string> = { ...(annotations ?? {}) };
    const description = rest['description'];
    delete rest['description'];
    if (description) this.string(`${prefix}Description`, description);
    this.map(`${prefix}Annotations`, rest);
  }

  /** The aligned output. */
  toString(): string {
    return tabwrite(this.text, DESCRIBE_TABWRITER);
  }
}
