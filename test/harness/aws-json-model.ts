/**
 * Checks AWS JSON 1.1 requests and answers of a loopback stand-in against the service's API model
 * as the AWS SDK itself carries it: the Smithy schemas generated into `@aws-sdk/client-*`
 * (`schemas/schemas_0`, exported as `<Operation>$`, `<Shape>$`) from the service's Smithy model
 * (aws-sdk-js-v3 `codegen/sdk-codegen/aws-models/<service>.json`). A schema is a tuple
 * `[kind, namespace, name, traits, ...]`: kind 9 an operation (input, output), 3 a structure
 * (member names, member schemas, then how many leading members are required), 1 a list (member),
 * 2 a map (key, value); a number is a simple type (@smithy/core `SCHEMA`: 0 string, 1 number,
 * 2 boolean, 4/7 timestamps, in AWS JSON epoch seconds, 5/6 timestamp strings, 15 document,
 * 21 blob as base64; | 64 a list of it, | 128 a map of it); a function is a reference.
 */

type Schema = unknown;

const resolve = (s: Schema): Schema => (typeof s === 'function' ? resolve((s as () => Schema)()) : s);

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function simpleProblems(code: number, value: unknown, at: string): string[] {
  if (code & 64) {
    if (!Array.isArray(value)) return [`${at}: expected a list, got ${typeName(value)}`];
    return value.flatMap((v, i) => simpleProblems(code & ~64, v, `${at}[${i}]`));
  }
  if (code & 128) {
    if (typeName(value) !== 'object') return [`${at}: expected a map, got ${typeName(value)}`];
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => simpleProblems(code & ~128, v, `${at}.${k}`));
  }
  const want: Record<number, string> = { 0: 'string', 1: 'number', 2: 'boolean', 4: 'number', 7: 'number', 5: 'string', 6: 'string', 21: 'string' };
  const expected = want[code];
  if (code === 15 || expected === undefined) return [];
  return typeName(value) === expected ? [] : [`${at}: expected ${expected}, got ${typeName(value)}`];
}

/** What in `value` the schema does not allow: unknown or missing members, wrong types. */
export function awsShapeProblems(schema: Schema, value: unknown, at = '$'): string[] {
  const s = resolve(schema);
  if (typeof s === 'number') return simpleProblems(s, value, at);
  if (!Array.isArray(s)) return [`${at}: unreadable schema`];
  const kind = s[0] as number;
  if (kind === 3 || kind === -3) {
    if (typeName(value) !== 'object') return [`${at}: expected a ${String(s[2])} structure, got ${typeName(value)}`];
    const names = (s[4] as string[] | undefined) ?? [];
    const members = (s[5] as Schema[] | undefined) ?? [];
    const required = typeof s[6] === 'number' ? s[6] : 0;
    const obj = value as Record<string, unknown>;
    const problems: string[] = [];
    names.slice(0, required).forEach((n) => {
      if (!(n in obj)) problems.push(`${at}: missing required member "${n}" of ${String(s[2])}`);
    });
    for (const [k, v] of Object.entries(obj)) {
      const i = names.indexOf(k);
      if (i < 0) problems.push(`${at}: "${k}" is not a member of ${String(s[2])}`);
      else if (v !== null) problems.push(...awsShapeProblems(members[i], v, `${at}.${k}`));
    }
    return problems;
  }
  if (kind === 1) {
    if (!Array.isArray(value)) return [`${at}: expected a ${String(s[2])} list, got ${typeName(value)}`];
    return value.flatMap((v, i) => awsShapeProblems(s[4], v, `${at}[${i}]`));
  }
  if (kind === 2) {
    if (typeName(value) !== 'object') return [`${at}: expected a ${String(s[2])} map, got ${typeName(value)}`];
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => awsShapeProblems(s[5], v, `${at}.${k}`));
  }
  return [];
}

export interface AwsJsonOperation {
  /** `X-Amz-Target`: the service's target prefix and the operation's name. */
  readonly target: string;
  /** Problems of a request body (JSON text; empty is `{}`), or of its parsing. */
  input(body: string): string[];
  /** Problems of a successful answer. */
  output(value: unknown): string[];
}

/** An operation schema (`GetAuthorizationToken$`) of a service whose target prefix is `serviceTarget`. */
export function awsJsonOperation(serviceTarget: string, operation: Schema): AwsJsonOperation {
  const op = resolve(operation) as unknown[];
  if (!Array.isArray(op) || op[0] !== 9) throw new Error('not an operation schema');
  return {
    target: `${serviceTarget}.${String(op[2])}`,
    input: (body) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body === '' ? '{}' : body);
      } catch {
        return ['request body: not JSON'];
      }
      return awsShapeProblems(op[4], parsed, 'request');
    },
    output: (value) => awsShapeProblems(op[5], value, 'response'),
  };
}
