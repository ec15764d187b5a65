// `node --import ./record-sdk-imports.mjs …`: appends to $TAGSTREAM_TEST_IMPORT_LOG the name of each
// cloud SDK the process resolves (@aws-sdk/client-ecr, google-auth-library, @azure/identity), so a
// test can check that an SDK loads only when a host of its cloud appears.
import { register } from 'node:module';

register('./record-sdk-imports-hooks.mjs', import.meta.url);
