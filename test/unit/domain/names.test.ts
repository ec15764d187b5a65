import { describe, expect, it } from 'vitest';
import { INVALID_TAG_MESSAGE, isValidTagName, validateNamespace, validateStreamName } from '../../../src/domain/names.js';

// §9: stream names as openshift-apiserver validation.go checks them; tag names as `oc tag` does.
describe('stream and tag names (§9)', () => {
  it.each([
    { ns: 'ns', name: 'app', ok: true },
    { ns: 'ns', name: 'my-app.v2_x', ok: true },
    { ns: 'a'.repeat(63), name: 'b'.repeat(191), ok: true },
    { ns: 'a'.repeat(63), name: 'b'.repeat(192), ok: false },
    { ns: 'ns', name: 'App', ok: false },
    { ns: 'ns', name: '-app', ok: false },
    { ns: 'ns', name: 'a..b', ok: false },
    { ns: 'ns', name: 'a/b', ok: false },
    { ns: 'ns', name: 'a%b', ok: false },
    { ns: 'ns', name: '..', ok: false },
    { ns: 'ns', name: '', ok: false },
  ])('$name ($ns)', ({ ns, name, ok }) => {
    expect(validateStreamName(ns, name).length === 0).toBe(ok);
  });

  it('explains the length limit and the pattern', () => {
    expect(validateStreamName('a'.repeat(63), 'b'.repeat(192))).toContain("'namespace/name' cannot be longer than 255 characters");
    expect(validateStreamName('ns', 'App')).toEqual(['must match "[a-z0-9]+(?:[._-][a-z0-9]+)*"']);
  });

  it.each([
    ['latest', true],
    ['v1.2-rc_1', true],
    ['_x', true],
    ['a'.repeat(128), true],
    ['a'.repeat(129), false],
    ['-x', false],
    ['.x', false],
    ['a:b', false],
    ['', false],
  ])('tag %j valid=%s', (tag, ok) => {
    expect(isValidTagName(tag)).toBe(ok);
  });

  it('namespaces are RFC 1123 labels', () => {
    expect(validateNamespace('my-ns')).toEqual([]);
    expect(validateNamespace('My_ns')).toHaveLength(1);
    expect(INVALID_TAG_MESSAGE).toMatch(/^tags must start with an alphanumeric character/);
  });
});
