import { describe, expect, it } from 'vitest';
import { DESCRIBE_TABWRITER, IMAGE_INFO_TABWRITER, TABLE_TABWRITER, tabwrite } from '../../../../src/cli/render/go-tabwriter.js';

describe('tabwrite (Go text/tabwriter)', () => {
  it.each([
    {
      name: 'describe: tab padding rounds each column to the next multiple of 8',
      opts: DESCRIBE_TABWRITER,
      input: 'Name:\truby\nNamespace:\tapps\nImage Repository:\tx\n',
      want: 'Name:\t\t\truby\nNamespace:\t\tapps\nImage Repository:\tx\n',
    },
    {
      name: 'a line without tabs ends the column block',
      opts: DESCRIBE_TABWRITER,
      input: 'A:\t1\n\nLonger label:\t2\n',
      want: 'A:\t1\n\nLonger label:\t2\n',
    },
    {
      name: 'continuation rows with an empty first cell align with the block',
      opts: DESCRIBE_TABWRITER,
      input: 'Labels:\ta=1\n\tb=2\nImage Lookup:\tlocal=false\n',
      want: 'Labels:\t\ta=1\n\t\tb=2\nImage Lookup:\tlocal=false\n',
    },
    {
      name: 'kubectl table: min width 6, 3 spaces of padding, last column unpadded',
      opts: TABLE_TABWRITER,
      input: 'NAME\tTAGS\tUPDATED\nruby\t3.3,latest\t2 days ago\n',
      want: 'NAME   TAGS         UPDATED\nruby   3.3,latest   2 days ago\n',
    },
    {
      name: 'empty cells are padded, widths count runes not bytes',
      opts: TABLE_TABWRITER,
      input: 'NAME\tREPO\tX\né\t\ty\n',
      want: 'NAME   REPO   X\né      ' + '       y\n',
    },
    {
      name: 'nested column blocks: only consecutive lines with a third cell share column 2',
      opts: IMAGE_INFO_TABWRITER,
      input: 'Image Size:\t10MB in 2 layers\nLayers:\t9MB\tsha256:a\n\t1.5kB\tsha256:b\nOS:\tlinux\n',
      want: 'Image Size: 10MB in 2 layers\nLayers:     9MB   sha256:a\n            1.5kB sha256:b\nOS:         linux\n',
    },
    {
      name: 'text without a final newline is kept as is',
      opts: TABLE_TABWRITER,
      input: 'a\tb\nccc\td',
      want: 'a     b\nccc   d',
    },
  ])('$name', ({ opts, input, want }) => {
    expect(tabwrite(input, opts)).toBe(want);
  });
});
