// The RegistryPort contract against the real adapter and a real docker-registry on 127.0.0.1
// (the fake: test/unit/contracts). The registry is stopped by PID in afterAll.
import { afterAll, beforeAll } from 'vitest';
import { createRegistryClient } from '../../../src/adapters/registry/index.js';
import { registryPortContract } from '../../contracts/registry-port.contract.js';
import { pushImage, startRegistry, type TestRegistry } from '../../harness/registry.js';

let reg: TestRegistry;
let client: ReturnType<typeof createRegistryClient>;

beforeAll(async () => {
  reg = await startRegistry();
  client = createRegistryClient();
}, 60_000);

afterAll(async () => {
  await client?.close();
  await reg?.stop();
});

registryPortContract('RegistryClient over docker-registry', () => ({
  port: client,
  host: reg.host,
  push: async (repo, tag, image) => void (await pushImage(reg, repo, tag, image)),
  newRun: () => client.newRun(),
}));
