// The RegistryPort contract against the in-memory fake (the real adapter: test/integration/contracts).
import { registryPortContract } from '../../contracts/registry-port.contract.js';
import { MemoryRegistry } from '../../fakes/memory-registry.js';

const HOST = 'registry.fake.test:5000';
const registry = new MemoryRegistry();

registryPortContract('in-memory fake', () => ({
  port: registry,
  host: HOST,
  push: async (repo, tag, image) => registry.push(`${HOST}/${repo}`, tag, image),
  newRun: () => undefined,
}));
