import { describe, expect, it } from 'vitest';
import { parseTargetRef } from '../../../src/targets/target-ref.js';

describe('parseTargetRef', () => {
  it.each([
    ['web:1', { namespace: undefined, stream: 'web', tag: '1', field: 'reference' }],
    ['shop/web:1', { namespace: 'shop', stream: 'web', tag: '1', field: 'reference' }],
    ['web:1:name', { namespace: undefined, stream: 'web', tag: '1', field: 'name' }],
    ['shop/web:1.4:tag-digest', { namespace: 'shop', stream: 'web', tag: '1.4', field: 'tag-digest' }],
    ['web:latest:digest', { namespace: undefined, stream: 'web', tag: 'latest', field: 'digest' }],
  ])('%s', (text, ref) => {
    expect(parseTargetRef(text)).toEqual({ ok: true, ref });
  });

  it.each([
    ['web', 'no ":TAG"'],
    ['a/b/web:1', 'at most one "/"'],
    ['web:1:sha', 'unknown FIELD "sha": expected one of reference, name, tag, digest, tag-digest'],
    ['Web:1', 'stream name "Web"'],
    ['web:1:tag:x', 'too many ":"'],
    ['Shop/web:1', 'namespace "Shop"'],
    ['web:-x', 'tag "-x"'],
  ])('refuses %s', (text, why) => {
    const r = parseTargetRef(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain(why);
  });

  it('refuses a FIELD where only a stream tag is allowed', () => {
    expect(parseTargetRef('web:1:tag', { allowField: false })).toEqual({ ok: false, message: '"web:1:tag": expected [NAMESPACE/]STREAM:TAG' });
  });
});
