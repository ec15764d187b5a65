// The Git contract against the in-memory Git (the isomorphic-git adapter: test/integration/contracts).
import { gitContract } from '../../contracts/git.contract.js';
import { MemoryGitRemote } from '../../fakes/memory-git.js';

gitContract('in-memory fake', async (files) => {
  const remote = new MemoryGitRemote(files);
  return {
    clone: async () => {
      const repo = remote.clone();
      return { repo, write: (path, text) => repo.workspace.writeFile(path, text), remove: (path) => repo.workspace.removeFile(path) };
    },
  };
});
