/** The registry adapter: an OCI Distribution client implementing RegistryPort. */
export { createRegistryClient } from './registry-client.js';
export type { RegistryClientOptions } from './registry-client.js';
export type { RegistryMirror } from './locations.js';
export type { CredentialSource, RegistryCredential } from './credentials/credential-types.js';
export type { RegistryStats } from './transport.js';
export { parsePlatform } from './platform-choice.js';
