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
  /**
   * What each file's inode says of it without reading it (lstat), in order: undefined for anything
   * but a regular file inside the root (a link, a missing file). With `readFileNow`, lets the
   * inventory skip reading files whose index-cache record it can trust by their stat signature.
   */
  fileStats?(paths: readonly string[]): Promise<readonly (FileStat | undefined)[]>;
  /** Synchronous readFiles of one file (for content loaded on first use). Same containment rules. */
  readFileNow?(path: string, maxBytes: number): FileRead;
}

/**
 * One file's stat signature. `signature` changes whenever the content may have: it holds size,
 * mtime and ctime (milliseconds, with the fraction the filesystem keeps), inode and device; ctime
 * cannot be set back by a user (touch -d).
 */
export interface FileStat {
  readonly size: number;
  readonly signature: string;
  /** The later of mtime and ctime, epoch ms: a file changed this recently may change again unseen. */
  readonly changedMs: number;
  /** ctime has a sub-second part: the filesystem keeps fine timestamps (not FAT, HFS+, ext3). */
  readonly fineTimes: boolean;
}

/** One result of Workspace.readFiles. */
export type FileRead = { readonly bytes: Buffer } | { readonly tooLarge: number } | { readonly error: unknown };
