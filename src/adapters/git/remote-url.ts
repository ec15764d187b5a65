/** The URL of a remote as `.git/config` records it, read without opening the repository. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** `url` of `[remote "<name>"]` in the text of a .git/config, when there is one. */
export function remoteUrlFromConfig(gitConfig: string, remote = 'origin'): string | undefined {
  const name = remote.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const section = new RegExp(`^\\[remote "${name}"\\]\\s*$([\\s\\S]*?)(?=^\\[|(?![\\s\\S]))`, 'm').exec(gitConfig)?.[1] ?? '';
  return /^\s*url\s*=\s*(\S+)\s*$/m.exec(section)?.[1];
}

/** The URL of `remote` in the working copy at `dir`, or undefined. */
export async function readRemoteUrl(dir: string, remote = 'origin'): Promise<string | undefined> {
  const config = await readFile(join(dir, '.git', 'config'), 'utf8').catch(() => '');
  return remoteUrlFromConfig(config, remote);
}
