/**
 * The JSONPath subset `.tagstream.yaml` rules may use, checked before jsonpath-plus sees a path:
 * names, `*`, `..`, indexes, quoted keys, unions, slices and filters that compare `@` members with
 * literals (`?(@.name=='web' && @.enabled==true)`). Everything else is refused: function calls,
 * `constructor` / `__proto__` / `prototype`, script expressions `(...)`, jsonpath-plus extensions
 * (`@path`, `^`, `~`, backticks). Nothing from a repository is ever run as code.
 */

export interface JsonPathProblem {
  /** 0-based offset in the path where the problem is. */
  readonly offset: number;
  readonly message: string;
}

const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(['constructor', '__proto__', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);
const NAME = /^[A-Za-z_][A-Za-z0-9_-]*/;
const INT = /^-?[0-9]+/;
const STRING = /^(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/;
const NUMBER = /^-?[0-9]+(?:\.[0-9]+)?/;
const COMPARE = /^(?:===|!==|==|!=|<=|>=|<|>)/;

class Refused extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

function unquote(s: string): string {
  return s.slice(1, -1).replace(/\\(.)/g, '$1');
}

function checkName(name: string, offset: number): void {
  if (FORBIDDEN_NAMES.has(name) || name.startsWith('__')) throw new Refused(offset, `the member "${name}" is not allowed (no access to object internals)`);
}

class Checker {
  private at = 0;
  constructor(private readonly src: string) {}

  private rest(): string {
    return this.src.slice(this.at);
  }

  private eat(re: RegExp): string | undefined {
    const m = re.exec(this.rest());
    if (!m) return undefined;
    this.at += m[0].length;
    return m[0];
  }

  private skipSpace(): void {
    this.eat(/^[ \t]+/);
  }

  private expect(s: string, what: string): void {
    if (!this.rest().startsWith(s)) throw new Refused(this.at, `expected ${what}`);
    this.at += s.length;
  }

  check(): void {
    this.expect('$', 'the path to start with "$"');
    if (this.at === this.src.length) throw new Refused(this.at, 'the path "$" names the whole document; expected a member such as $.image');
    while (this.at < this.src.length) this.segment();
  }

  private segment(): void {
    const start = this.at;
    if (this.eat(/^\.\./)) {
      if (this.rest().startsWith('[')) return this.bracket();
      if (this.eat(/^\*/)) return;
      return this.name(start);
    }
    if (this.eat(/^\./)) {
      if (this.eat(/^\*/)) return;
      return this.name(start);
    }
    if (this.rest().startsWith('[')) return this.bracket();
    throw new Refused(this.at, `unexpected "${this.src[this.at]}": expected ".name", "..name", "[...]" or "*"`);
  }

  private name(start: number): void {
    const n = this.eat(NAME);
    if (n === undefined) throw new Refused(this.at, `expected a member name after "${this.src.slice(start, this.at)}"`);
    checkName(n, this.at - n.length);
    if (this.rest().startsWith('(')) throw new Refused(this.at, 'function calls are not allowed');
  }

  private bracket(): void {
    this.expect('[', '"["');
    this.skipSpace();
    if (this.rest().startsWith('?(')) {
      this.at += 2;
      this.expression();
      this.skipSpace();
      this.expect(')', 'the filter to end with ")"');
      this.skipSpace();
      this.expect(']', '"]"');
      return;
    }
    if (this.rest().startsWith('(')) throw new Refused(this.at, 'script expressions "(...)" are not allowed; use an index, a quoted key or a ?(...) filter');
    for (;;) {
      this.skipSpace();
      this.selector();
      this.skipSpace();
      if (!this.eat(/^,/)) break;
    }
    this.expect(']', '"]"');
  }

  private selector(): void {
    if (this.eat(/^\*/)) return;
    const s = this.eat(STRING);
    if (s !== undefined) {
      checkName(unquote(s), this.at - s.length);
      return;
    }
    const slice = this.eat(/^(-?[0-9]+)?:(-?[0-9]+)?(:(-?[0-9]+)?)?/);
    if (slice !== undefined && slice !== '') return;
    if (this.eat(INT) !== undefined) return;
    throw new Refused(this.at, 'expected an index, a slice, a quoted key or "*" between the brackets');
  }

  private expression(): void {
    this.term();
    for (;;) {
      this.skipSpace();
      if (!this.eat(/^(&&|\|\|)/)) return;
      this.term();
    }
  }

  private term(): void {
    this.skipSpace();
    if (this.eat(/^!/)) this.skipSpace();
    if (this.eat(/^\(/)) {
      this.expression();
      this.skipSpace();
      this.expect(')', '")"');
      return;
    }
    this.operand();
    this.skipSpace();
    if (this.eat(COMPARE) !== undefined) {
      this.skipSpace();
      this.operand();
    }
  }

  private operand(): void {
    if (this.rest().startsWith('@')) {
      this.at++;
      if (/^[A-Za-z]/.test(this.rest())) throw new Refused(this.at - 1, 'jsonpath-plus extensions such as @path, @parent or @root are not allowed; use @.member');
      for (;;) {
        if (this.eat(/^\./)) {
          this.name(this.at - 1);
          continue;
        }
        if (this.rest().startsWith('[')) {
          this.at++;
          this.skipSpace();
          const s = this.eat(STRING);
          if (s !== undefined) checkName(unquote(s), this.at - s.length);
          else if (this.eat(INT) === undefined) throw new Refused(this.at, 'expected an index or a quoted key');
          this.skipSpace();
          this.expect(']', '"]"');
          continue;
        }
        break;
      }
      if (this.rest().startsWith('(')) throw new Refused(this.at, 'function calls are not allowed');
      return;
    }
    if (this.eat(STRING) !== undefined) return;
    if (this.eat(NUMBER) !== undefined) return;
    if (this.eat(/^(true|false|null)\b/) !== undefined) return;
    const word = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(this.rest());
    if (word) throw new Refused(this.at, `"${word[0]}" is not allowed in a filter: compare @.member with a string, number, true, false or null`);
    throw new Refused(this.at, `unexpected "${this.src[this.at] ?? 'end of path'}" in a filter: compare @.member with a string, number, true, false or null`);
  }
}

/** Why `path` is refused, or undefined when it is in the allowed subset. */
export function checkJsonPath(path: string): JsonPathProblem | undefined {
  if (/[`~^]/.test(path.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, (s) => ' '.repeat(s.length)))) {
    const m = /[`~^]/.exec(path.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, (s) => ' '.repeat(s.length)))!;
    return { offset: m.index, message: `"${m[0]}" (a jsonpath-plus extension) is not allowed` };
  }
  try {
    new Checker(path).check();
    return undefined;
  } catch (e) {
    if (e instanceof Refused) return { offset: e.offset, message: e.message };
    throw e;
  }
}
