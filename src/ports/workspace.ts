/**
 * The repository's files as the core sees them: repo-relative POSIX paths. Implemented by
 * adapters/fs over a directory; an in-memory fake serves unit tests.
 */
export interface Workspace {
  /** Absolute root, for messages only. */
  readonly root: string;
  /** Every file below the root (repo-relative, POSIX separators), .git excluded. */
  listFiles(): Promise<string[]>;
  readFile(path: string): Promise<Buffer>;
  exists(path: string): Promise<boolean>;
  /** Atomic replace (write to a temp file, rename). */
  writeFile(path: string, data: string | Buffer): Promise<void>;
  /** Delete a file (no error when it is already gone). */
  removeFile(path: string): Promise<void>;
  /** Remove the temporaries a killed writeFile(path) may have left; returns their repo-relative paths. */
  removeTemporaries(path: string): Promise<string[]>;
  /** Size in bytes without reading the file. */
  size(path: string): Promise<number>;
  /**
   * Read many files at once (the inventory's scan), in order: the bytes, or the size of a file
   * larger than `maxBytes` (left unread), or why it could not be read. Optional: without it the
   * caller reads file by file. Same containment rules as readFile.
   */
  readFiles?(paths: readonly string[], maxBytes: number): Promise<readonly FileRead[]>;
}

/** One result of Workspace.readFiles. */
export type FileRead = { readonly bytes: Buffer } | { readonly tooLarge: number } | { readonly error: unknown };
