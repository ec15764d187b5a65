import { describe, expect, it } from 'vitest';
import { targetValue } from '../../../src/targets/target-value.js';
import { NEW, STREAMS, WEB, stream } from './streams.js';

const lookup = (name: string) => STREAMS.get(`shop/${name}`);

describe('targetValue', () => {
  it.each([
    ['reference', `registry.example.com/web@${NEW}`],
    ['name', 'registry.example.com/web'],
    ['tag', '1.4.2'],
    ['digest', NEW],
    ['tag-digest', `1.4.2@${NEW}`],
  ] as const)('%s of web:1', (field, value) => {
    expect(targetValue(WEB, '1', field, { stream: lookup })).toEqual({ kind: 'value', value });
  });

  it('follows an ImageStreamTag source for the tag', () => {
    expect(targetValue(WEB, 'next', 'tag', { stream: lookup })).toEqual({ kind: 'value', value: '1.4.2' });
  });

  it('reference is what a trigger writes: the Local pull spec under referencePolicy Local', () => {
    const local = stream('shop', 'api', { '1': { from: 'quay.io/acme/api:1', digest: NEW, local: true } });
    expect(targetValue(local, '1', 'reference', { localRegistry: 'registry.local:5000' })).toEqual({ kind: 'value', value: `registry.local:5000/shop/api@${NEW}` });
  });

  it('a tag without history is pending (the target stays)', () => {
    expect(targetValue(WEB, 'pending', 'reference')).toEqual({ kind: 'pending' });
  });

  it('a digest-only source has no tag', () => {
    const s = stream('shop', 'x', { '1': { from: `quay.io/acme/x@${NEW}`, digest: NEW } });
    expect(targetValue(s, '1', 'tag')).toMatchObject({ kind: 'error', message: 'x:1 follows no tag (its source is a digest)' });
  });
});
