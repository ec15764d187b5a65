import { describe, expect, it } from 'vitest';
import { ManifestError } from '../../../../src/errors.js';
import { boundLines, inventoryWarnings, isWarningLine } from '../../../../src/cli/render/diagnostics.js';

const site = (file: string, line: number) => ({ file, docIndex: 0, path: [], location: { file, line, col: 1 } });

describe('inventoryWarnings', () => {
  it('one line per unusable file, one per conflict; per-site duplicate diagnostics folded into the conflict', () => {
    const diagnostics = [
      new ManifestError('ManifestParse', 'invalid YAML: bad indentation', { file: 'broken.yaml', line: 6, col: 1 }),
      new ManifestError('DuplicateObject', 'ImageStream ns/x is defined more than once', { file: 'b.yaml', line: 10, col: 1 }),
      new ManifestError('ManifestTooLarge', 'file too large', { file: 'big.yaml' }),
    ];
    const conflicts = [{ namespace: 'ns', name: 'x', sites: [site('a.yaml', 3), site('b.yaml', 10)] }];
    expect(inventoryWarnings({ diagnostics, conflicts })).toEqual([
      'warning: broken.yaml:6:1: invalid YAML: bad indentation',
      'warning: big.yaml: file too large',
      'warning: imagestream ns/x is defined in more than one file: a.yaml:3:1, b.yaml:10:1',
    ]);
  });
});

describe('boundLines', () => {
  it('keeps the first warnings, summarises the rest where they began, keeps other lines in order', () => {
    const lines = ['info: start', 'warning: a', 'warning: b', 'error: x', 'warning: c', 'warning: d'];
    expect(boundLines(lines, 2, isWarningLine)).toEqual(['info: start', 'warning: a', 'warning: b', 'error: x', 'warning: … and 2 more (-v or -o json shows all)']);
    expect(boundLines(lines, 4, isWarningLine)).toEqual(lines);
  });
});
