// The Workspace contract against the in-memory fake (the directory adapter: test/integration/contracts).
import { memoryWorkspace } from '../../fakes/memory-workspace.js';
import { workspaceContract } from '../../contracts/workspace.contract.js';

workspaceContract('in-memory fake', async (files) => memoryWorkspace(files));
