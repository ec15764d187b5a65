// Module resolve hook of record-sdk-imports.mjs (runs on the loader thread): logs each cloud SDK
// imported by name (tsc output, dist/cli/main.js) and each chunk of the bundled bin
// (dist/cli/tagstream.js), whose content tells which SDK it carries.
import { appendFileSync } from 'node:fs';

const SDKS = ['@aws-sdk/client-ecr', 'google-auth-library', '@azure/identity'];

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const log = process.env.TAGSTREAM_TEST_IMPORT_LOG;
  if (log && SDKS.includes(specifier)) appendFileSync(log, `${specifier}\n`);
  else if (log && result.url.includes('/dist/cli/chunks/')) appendFileSync(log, `chunk ${result.url}\n`);
  return result;
}
