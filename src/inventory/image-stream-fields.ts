/**
 * The field-error vocabulary of the ImageStream schema: paths printed as OpenShift prints them
 * (`spec.tags[prod].from`) and typed readers that record located ManifestErrors, shape errors
 * (`expected a mapping`) or API validation errors (`The ImageStream "x" is invalid: ...`).
 */
import { ManifestError } from '../errors.js';
import type { NodeLocator } from '../edit/node-locator.js';
import type { NodePath } from './inventory-model.js';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A field path as OpenShift prints it: tags are keyed by their name (`spec.tags[prod].from`,
 * `status.tags[latest]`), other list items by index.
 */
export function show(path: NodePath, root: unknown): string {
  let out = '';
  let node: unknown = root;
  path.forEach((p, i) => {
    const parent = node;
    node = isObj(parent) && typeof p === 'string' ? parent[p] : Array.isArray(parent) && typeof p === 'number' ? parent[p] : undefined;
    if (typeof p !== 'number') {
      out += out === '' ? p : `.${p}`;
      return;
    }
    const key = i === 2 && path[1] === 'tags' && (path[0] === 'spec' || path[0] === 'status') ? tagKey(node, path[0]) : undefined;
    out += key === undefined ? `[${p}]` : `[${key}]`;
  });
  return out;
}

/** The name a spec tag (`name`) or status tag (`tag`) goes by, when it has a usable one. */
export function tagKey(item: unknown, section: 'spec' | 'status'): string | undefined {
  if (!isObj(item)) return undefined;
  const key = item[section === 'spec' ? 'name' : 'tag'];
  return typeof key === 'string' && key !== '' ? key : typeof key === 'number' ? String(key) : undefined;
}

/** The typed readers of an ImageStream check: each records a located ManifestError and yields undefined on a mismatch. */
export class FieldChecker {
  readonly errors: ManifestError[] = [];

  /** The object being checked, for tag names in field paths and the stream's name in messages. */
  protected root: unknown;

  constructor(protected readonly locator: NodeLocator) {}

  protected shape(path: NodePath, message: string): undefined {
    this.errors.push(new ManifestError('ManifestSchema', `${show(path, this.root)}: ${message}`, this.locator.locate(path)));
    return undefined;
  }

  /** An OpenShift validation failure, worded as oc prints it: `The ImageStream "x" is invalid: <field>: <why>`. */
  protected invalid(path: NodePath, message: string): void {
    const metadata = isObj(this.root) ? this.root.metadata : undefined;
    const name = isObj(metadata) && typeof metadata.name === 'string' ? metadata.name : '';
    const field = `${show(path, this.root)}: ${message}`;
    this.errors.push(new ManifestError('Invalid', `The ImageStream "${name}" is invalid: ${field}`, this.locator.locate(path)));
  }

  protected obj(v: unknown, path: NodePath): Obj | undefined {
    if (v === undefined || v === null) return undefined;
    return isObj(v) ? v : this.shape(path, 'expected a mapping');
  }

  /** A string field; numbers/booleans keep their YAML source text (see file comment). */
  protected str(v: unknown, path: NodePath): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') {
      return this.locator.scalarSource(path) ?? String(v);
    }
    return this.shape(path, 'expected a string');
  }

  protected bool(v: unknown, path: NodePath): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    return typeof v === 'boolean' ? v : this.shape(path, 'expected a boolean');
  }

  protected int(v: unknown, path: NodePath): number | undefined {
    if (v === undefined || v === null) return undefined;
    return typeof v === 'number' && Number.isInteger(v) ? v : this.shape(path, 'expected an integer');
  }

  protected list(v: unknown, path: NodePath): unknown[] | undefined {
    if (v === undefined || v === null) return undefined;
    return Array.isArray(v) ? v : this.shape(path, 'expected a list');
  }

  protected stringMap(v: unknown, path: NodePath): Record<string, string> | undefined {
    const o = this.obj(v, path);
    if (o === undefined) return undefined;
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(o)) {
      if (typeof val !== 'string') {
        this.shape([...path, k], 'expected a string value');
        continue;
      }
      out[k] = val;
    }
    return out;
  }
}
