/**
 * The one way use cases write a repository: the new texts were computed and verified before the
 * first write, and a write that fails puts back the files already written, so a run leaves all
 * of its changes or none of them.
 */
import type { FileChange } from '../domain/change-set.js';
import type { Workspace } from '../ports/workspace.js';

/** Write `files`; on failure restore what was written and rethrow. */
export async function writeFiles(workspace: Workspace, files: readonly FileChange[]): Promise<void> {
  const written: FileChange[] = [];
  try {
    for (const f of files) {
      await workspace.writeFile(f.path, f.after);
      written.push(f);
    }
  } catch (e) {
    await restoreFiles(workspace, written);
    throw e;
  }
}

/** Put files back as they were before a change was written (new files are removed). */
export async function restoreFiles(workspace: Workspace, files: readonly FileChange[]): Promise<void> {
  for (const f of files) {
    if (f.before === null) await workspace.removeFile(f.path);
    else await workspace.writeFile(f.path, f.before);
  }
}
