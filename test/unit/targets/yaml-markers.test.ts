import { describe, expect, it } from 'vitest';
import { loadSourceFile } from '../../../src/edit/source-file.js';
import { scanYamlMarkers } from '../../../src/targets/yaml-markers.js';

const scan = (text: string, path = 'values.yaml') => scanYamlMarkers(loadSourceFile(path, text));

describe('scanYamlMarkers', () => {
  it('finds the marked scalar of each marker line (map values, sequence items, flow, quoted)', () => {
    const text = [
      'image:',
      '  repository: registry.example.com/web   # {"$imagestream": "web:1:name"}',
      '  tag: "1.4.2"                           # {"$imagestream": "web:1:tag"}',
      "  digest: ''  #{\"$imagestream\":\"web:1:digest\"}",
      'values:',
      '  image: registry.example.com/web:1.4.2  # {"$imagestream": "shop/web:1"}',
      'list:',
      '  - registry.example.com/web:1  # {"$imagestream": "web:1"}',
      'flow: {a: x, b: y}  # {"$imagestream": "web:1"}',
      '# {"$imagestream": "web:1"} on its own line is no marker of a scalar',
      'plain: "has # {\\"$imagestream\\": \\"web:1\\"} inside a string"',
      '',
    ].join('\n');
    const r = scan(text);
    expect(r.markers.map((m) => [m.path, m.value, m.ref.field, m.ref.namespace, m.location.line, m.location.col])).toEqual([
      [['image', 'repository'], 'registry.example.com/web', 'name', undefined, 2, 15],
      [['image', 'tag'], '1.4.2', 'tag', undefined, 3, 8],
      [['image', 'digest'], '', 'digest', undefined, 4, 11],
      [['values', 'image'], 'registry.example.com/web:1.4.2', 'reference', 'shop', 6, 10],
      [['list', 0], 'registry.example.com/web:1', 'reference', undefined, 8, 5],
      [['flow', 'b'], 'y', 'reference', undefined, 9, 17],
    ]);
    expect(r.problems.map((p) => [p.location?.line, p.reason])).toEqual([[10, '$imagestream marker is not on the line of a scalar value']]);
  });

  it('uses the document of the marker and its metadata.namespace', () => {
    const r = scan('a: 1\n---\nmetadata:\n  namespace: team\nimage: x  # {"$imagestream": "web:1"}\n');
    expect(r.markers).toHaveLength(1);
    expect(r.markers[0]).toMatchObject({ docIndex: 1, path: ['image'], namespace: 'team' });
  });

  it.each([
    ['x: y  # {"$imagestream": "web"}', 1, 7, '$imagestream marker "web": expected [NAMESPACE/]STREAM:TAG[:FIELD] (no ":TAG")'],
    ['x: y  # {"$imagestream": "web:1:sha"}', 1, 7, 'unknown FIELD "sha"'],
    ['x: y  # {"$imagestream": 3}', 1, 7, '"$imagestream" must be a string'],
    ['x: y  # {"$imagestream": "web:1"', 1, 7, 'must be a JSON object'],
    ['x: y  # {"$imagestream: "web:1"}', 1, 7, 'not valid JSON'],
  ])('%s is a located problem', (text, line, col, message) => {
    const r = scan(`${text}\n`);
    expect(r.markers).toEqual([]);
    expect(r.problems[0]?.location).toEqual({ file: 'values.yaml', line, col });
    expect(r.problems[0]?.reason).toContain(message);
  });
});
