/** The version `tagstream --version` prints (package.json `version`; a test keeps them equal). */
export const PROGRAM_VERSION = '0.1.0';
