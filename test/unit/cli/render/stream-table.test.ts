import { describe, expect, it } from 'vitest';
import { imageStreamTable, imageStreamTagTable, istagsOfStreams, printTagsUpToWidth } from '../../../../src/cli/render/stream-table.js';
import { renderTable } from '../../../../src/cli/render/table.js';
import { NOW, ruby, streamWithTags } from './fixtures.js';

const tagsOf = (names: string[]) =>
  streamWithTags(
    'x',
    // strictly newer first so the order is the given one
    names.map((tag, i) => ({ tag, created: new Date(Date.UTC(2026, 0, 1) - i * 1000).toISOString() })),
  ).status?.tags ?? [];

describe('printTagsUpToWidth (oc get is TAGS column)', () => {
  it.each([
    { name: 'no tags', tags: [], want: '' },
    { name: 'fits', tags: ['latest', '3.3', '3.1'], want: 'latest,3.3,3.1' },
    {
      name: 'truncates with + N more',
      tags: ['aaaaaaaaaa', 'bbbbbbbbbb', 'cccccccccc', 'dddddddddd', 'eeeeeeeeee', 'ffffffffff'],
      want: 'aaaaaaaaaa,bbbbbbbbbb,cccccccccc + 3 more...',
    },
    {
      name: 'keeps a tag that overflows by less than a quarter of the width',
      tags: ['aaaaaaaaaa', 'bbbbbbbbbb', 'ccccc', 'ddddddddddddddd', 'e'],
      want: 'aaaaaaaaaa,bbbbbbbbbb,ccccc,ddddddddddddddd + 1 more...',
    },
    {
      name: 'stops at a tag that would overflow when little width is left',
      tags: ['aaaaaaaaaa', 'bbbbbbbbbb', 'cccccccccc', 'dddddddddddd', 'e'],
      want: 'aaaaaaaaaa,bbbbbbbbbb,cccccccccc + 2 more...',
    },
    { name: 'always shows at least one tag', tags: ['a'.repeat(60), 'b'], want: `${'a'.repeat(60)} + 1 more...` },
  ])('$name', ({ tags, want }) => {
    expect(printTagsUpToWidth(tagsOf(tags))).toBe(want);
  });
});

describe('oc get tables', () => {
  const streams = [
    { namespace: 'apps', stream: ruby },
    { namespace: 'apps', stream: streamWithTags('empty', []) },
  ];
  it('get is', () => {
    expect(renderTable(imageStreamTable(streams, NOW, false))).toBe(
      [
        'NAME    IMAGE REPOSITORY                                             TAGS             UPDATED',
        'ruby    image-registry.openshift-image-registry.svc:5000/apps/ruby   3.3,latest,3.1   21 hours ago',
        'empty                                                                                 ',
        '',
      ].join('\n'),
    );
  });
  it('get is -A puts NAMESPACE first', () => {
    const out = renderTable(imageStreamTable(streams.slice(0, 1), NOW, true));
    expect(out.split('\n')[0]).toBe('NAMESPACE   NAME   IMAGE REPOSITORY                                             TAGS             UPDATED');
    expect(out.split('\n')[1]?.startsWith('apps        ruby   ')).toBe(true);
  });
  it('get istag -o wide adds IMAGE NAME', () => {
    const out = renderTable(imageStreamTagTable(istagsOfStreams(streams), NOW, false, true));
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^NAME {10}IMAGE REFERENCE {3,}UPDATED {3,}IMAGE NAME$/);
    expect(lines[1]).toMatch(/^ruby:3\.1 {6}image-registry\.openshift-image-registry\.svc:5000\/apps\/ruby@sha256:1{64} {3}2 weeks ago {4}sha256:1{64}$/);
    expect(lines).toHaveLength(5);
  });
});
