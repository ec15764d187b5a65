/** The registry adapter: an OCI Distribution client implementing RegistryPort. */
export { createRegistryClient, RegistryClient } from './registry-client.js';
export { nextLink } from './tag-paging.js';
export type { RegistryClientOptions } from './registry-client.js';
export type { RegistryMirror } from './locations.js';
export type { CredentialSource, RegistryCredential } from './credential-types.js';
export type { RegistryStats } from './transport.js';
export { parseWwwAuthenticate, preferredChallenge } from './challenge.js';
export type { AuthChallenge } from './challenge.js';
export { parseRetryAfter } from './retry-after.js';
export { choosePlatformEntry, parsePlatform, formatPlatform, DEFAULT_PLATFORM } from './platform-choice.js';
export { MANIFEST_ACCEPT } from './media-types.js';
