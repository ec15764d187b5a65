import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ManifestError, type TagstreamError } from '../../../src/errors.js';
import {
  goJsonString,
  imageStreamTagTrigger,
  parseTriggerAnnotation,
  serializeTriggerAnnotation,
  unindexedReason,
  type ObjectFieldTrigger,
} from '../../../src/domain/trigger.js';
import { splitStreamTag } from '../../../src/domain/stream-tag-name.js';

const WEB = 'spec.template.spec.containers[?(@.name==\\"web\\")].image';
const SPEC_EXAMPLE = `[{"from":{"kind":"ImageStreamTag","name":"app:latest"},"fieldPath":"${WEB}"}]`;

function ok(value: string): readonly ObjectFieldTrigger[] {
  const r = parseTriggerAnnotation(value);
  if (!r.ok) throw new Error(`expected ok, got ${r.error.message}`);
  return r.triggers;
}

function fail(value: string): TagstreamError {
  const r = parseTriggerAnnotation(value);
  if (r.ok) throw new Error(`expected an error for ${value}`);
  return r.error;
}

describe('parseTriggerAnnotation', () => {
  it('parses the canonical example', () => {
    expect(ok(SPEC_EXAMPLE)).toEqual([
      {
        from: { kind: 'ImageStreamTag', name: 'app:latest', namespace: '', apiVersion: '' },
        fieldPath: 'spec.template.spec.containers[?(@.name=="web")].image',
        paused: false,
      },
    ]);
  });

  it.each([
    ['JSON null is no triggers', 'null', 0],
    ['empty array', '[]', 0],
    ['whitespace around null', '  null\n', 0],
    ['an element null is a zero trigger', '[null]', 1],
    ['unknown keys are ignored', '[{"from":{"kind":"ImageStreamTag","name":"a:1","uid":"x"},"fieldPath":"p","extra":1}]', 1],
    ['null fields keep zero values', '[{"from":null,"fieldPath":"p","paused":null}]', 1],
  ])('%s', (_name, value, count) => {
    expect(ok(value)).toHaveLength(count);
  });

  it('reports JSON null separately from an empty list', () => {
    const r = parseTriggerAnnotation('null');
    expect(r.ok && r.isNull).toBe(true);
    const e = parseTriggerAnnotation('[]');
    expect(e.ok && e.isNull).toBe(false);
  });

  it('matches keys case-insensitively like Go encoding/json', () => {
    const [t] = ok('[{"From":{"KIND":"ImageStreamTag","Name":"a:1","NameSpace":"n"},"FIELDPATH":"p","Paused":true}]');
    expect(t).toEqual({ from: { kind: 'ImageStreamTag', name: 'a:1', namespace: 'n', apiVersion: '' }, fieldPath: 'p', paused: true });
  });

  it('keeps the paused boolean', () => {
    expect(ok('[{"from":{"kind":"ImageStreamTag","name":"a:1"},"fieldPath":"p","paused":true}]')[0]?.paused).toBe(true);
    expect(ok('[{"from":{"kind":"ImageStreamTag","name":"a:1"},"fieldPath":"p","paused":false}]')[0]?.paused).toBe(false);
  });

  it.each([
    ['string "true"', '"true"'],
    ['string "false" (the 3.11 docs example)', '"false"'],
    ['a number', '1'],
  ])('a %s paused invalidates the WHOLE annotation', (_name, paused) => {
    const value = `[{"from":{"kind":"ImageStreamTag","name":"a:1"},"fieldPath":"p1"},{"from":{"kind":"ImageStreamTag","name":"b:1"},"fieldPath":"p2","paused":${paused}}]`;
    const e = fail(value);
    expect(e.code).toBe('Invalid');
    expect(e.message).toContain('[1].paused: expected a JSON boolean');
  });

  it('rejects duplicate fieldPaths', () => {
    const e = fail(`[{"from":{"kind":"ImageStreamTag","name":"a:1"},"fieldPath":"${WEB}"},{"from":{"kind":"ImageStreamTag","name":"b:2"},"fieldPath":"${WEB}"}]`);
    expect(e.message).toContain('duplicate triggers are not allowed');
    expect(e.message).toContain('[0] and [1]');
  });

  it('tolerates duplicates only when asked (oc set triggers decoding)', () => {
    const value = '[{"fieldPath":"p"},{"fieldPath":"p"}]';
    expect(parseTriggerAnnotation(value).ok).toBe(false);
    expect(parseTriggerAnnotation(value, undefined, true).ok).toBe(true);
  });

  it.each([
    ['not JSON', '[{', 'expected a JSON array'],
    ['an object', '{"from":{}}', 'expected a JSON array of triggers, got object'],
    ['a string', '"x"', 'got string'],
    ['an element string', '["x"]', '[0]: expected an object'],
    ['fieldPath number', '[{"fieldPath":1}]', '[0].fieldPath: expected a JSON string'],
    ['from string', '[{"from":"a:1","fieldPath":"p"}]', '[0].from: expected a JSON object'],
    ['from.name number', '[{"from":{"name":3},"fieldPath":"p"}]', '[0].from.name: expected a JSON string'],
  ])('rejects %s', (_name, value, reason) => {
    expect(fail(value).message).toContain(reason);
  });

  it('locates the error when the caller gives the annotation location', () => {
    const r = parseTriggerAnnotation('[{"paused":"true"}]', { file: 'deploy.yaml', line: 5, col: 34 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(ManifestError);
    expect(r.error.message).toMatch(/\(deploy\.yaml:5:34\)$/);
    expect(r.error.reason).toContain('[0].paused');
  });
});

describe('serializeTriggerAnnotation', () => {
  it('reproduces the §5.1 example byte for byte', () => {
    const t = imageStreamTagTrigger('app', 'latest', 'spec.template.spec.containers[?(@.name=="web")].image');
    expect(serializeTriggerAnnotation([t])).toBe(SPEC_EXAMPLE);
  });

  it('is the example printed in the shared spec (when present)', () => {
    const spec = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/spec/imagestreams.md');
    if (!existsSync(spec)) return;
    expect(readFileSync(spec, 'utf8')).toContain(SPEC_EXAMPLE);
  });

  it.each([
    ['paused appended', imageStreamTagTrigger('app', 'latest', 'p', '', true), '[{"from":{"kind":"ImageStreamTag","name":"app:latest"},"fieldPath":"p","paused":true}]'],
    ['namespace inside from', imageStreamTagTrigger('app', 'latest', 'p', 'other'), '[{"from":{"kind":"ImageStreamTag","name":"app:latest","namespace":"other"},"fieldPath":"p"}]'],
    [
      'apiVersion kept after namespace',
      { from: { kind: 'ImageStreamTag', name: 'a:1', namespace: '', apiVersion: 'v1' }, fieldPath: 'p', paused: false },
      '[{"from":{"kind":"ImageStreamTag","name":"a:1","apiVersion":"v1"},"fieldPath":"p"}]',
    ],
  ])('%s', (_name, trigger, expected) => {
    expect(serializeTriggerAnnotation([trigger])).toBe(expected);
  });

  it('writes null for no triggers, as oc does', () => {
    expect(serializeTriggerAnnotation([])).toBe('null');
  });

  it('round-trips', () => {
    const triggers = [imageStreamTagTrigger('a', '1', 'x', 'ns', true), imageStreamTagTrigger('b', '2', 'y')];
    expect(ok(serializeTriggerAnnotation(triggers))).toEqual(triggers);
  });

  it('escapes like Go (HTML-safe)', () => {
    expect(goJsonString('a<b>&c"d\u2028')).toBe('"a\\u003cb\\u003e\\u0026c\\"d\\u2028"');
  });
});

describe('splitStreamTag', () => {
  it.each([
    ['app:1.0', { stream: 'app', tag: '1.0' }],
    ['app:', { stream: 'app', tag: 'latest' }],
    ['app', undefined],
  ])('%s', (name, expected) => {
    expect(splitStreamTag(name)).toEqual(expected);
  });
});

describe('unindexedReason', () => {
  const base = imageStreamTagTrigger('app', 'latest', 'p');
  it.each([
    ['ImageStreamTag indexed', base, undefined],
    ['other kind', { ...base, from: { ...base.from, kind: 'DockerImage' } }, 'only "ImageStreamTag" triggers fire'],
    ['apiVersion set', { ...base, from: { ...base.from, apiVersion: 'image.openshift.io/v1' } }, 'from.apiVersion must be empty'],
    ['bare stream name', { ...base, from: { ...base.from, name: 'app' } }, 'must be of the form <stream>:<tag>'],
  ])('%s', (_name, trigger, expected) => {
    const reason = unindexedReason(trigger);
    if (expected === undefined) expect(reason).toBeUndefined();
    else expect(reason).toContain(expected);
  });
});
