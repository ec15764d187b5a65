import { describe, expect, it } from 'vitest';
import { memoryWorkspace } from './memory-workspace.js';

describe('memoryWorkspace', () => {
  it('implements the Workspace port over a map', async () => {
    const ws = memoryWorkspace({ 'b.yaml': 'b', 'a/x.yaml': Buffer.from('x'), '.git/HEAD': 'ref' });
    expect(await ws.listFiles()).toEqual(['a/x.yaml', 'b.yaml']);
    expect((await ws.readFile('a/x.yaml')).toString()).toBe('x');
    expect(await ws.size('b.yaml')).toBe(1);
    expect(await ws.exists('a')).toBe(true);
    expect(await ws.exists('c.yaml')).toBe(false);
    await expect(ws.readFile('c.yaml')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(ws.size('c.yaml')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('records writes and returns copies, so callers cannot mutate stored bytes', async () => {
    const ws = memoryWorkspace({});
    await ws.writeFile('n.yaml', 'one');
    await ws.writeFile('n.yaml', Buffer.from('two'));
    expect(ws.writes).toEqual(['n.yaml', 'n.yaml']);
    const read = await ws.readFile('n.yaml');
    read.write('X');
    expect(ws.files.get('n.yaml')?.toString()).toBe('two');
  });
});
