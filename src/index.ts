/** Tagstream's public library API. */
export * from './errors.js';
export type * from './domain/image-stream.js';
export type * from './ports/registry.js';
