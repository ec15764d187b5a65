/** Docker credential helpers (`docker-credential-<name> get`, the docker-credential-helpers protocol). */
import { spawn } from 'node:child_process';
import { TagstreamError } from '../../../errors.js';
import type { RegistryCredential } from './credential-types.js';
import { isRecord, TOKEN_USERNAME } from './docker-config.js';

const NOT_FOUND = /credentials not found/i;

/** A helper that ended badly; the message never holds what it printed. */
class HelperFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
  ) {
    super(message);
  }
}

/** Run `docker-credential-<helper> get` (the docker-credential-helpers protocol). */
export function spawnCredentialHelper(env: NodeJS.ProcessEnv): (helper: string, serverUrl: string) => Promise<string> {
  return (helper, serverUrl) =>
    new Promise((resolveRun, reject) => {
      if (!/^[A-Za-z0-9._-]+$/.test(helper)) {
        reject(new Error(`invalid helper name ${JSON.stringify(helper)}`));
        return;
      }
      const child = spawn(`docker-credential-${helper}`, ['get'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
      child.stdin.on('error', () => {});
      child.once('error', (e) => reject(e));
      child.once('close', (code, signal) => {
        if (code === 0) {
          resolveRun(out);
          return;
        }
        // What a failing helper printed may be its answer, secret included (#12.6): only "nothing
        // stored for this server" is read from it; the error says how the helper ended, nothing more.
        if (NOT_FOUND.test(out) || NOT_FOUND.test(err)) reject(new HelperFailure('credentials not found in native keychain', code));
        else reject(new HelperFailure(signal ? `killed by ${signal}` : `exit code ${String(code)}`, code));
      });
      child.stdin.end(`${serverUrl}\n`);
    });
}


/** Ask a helper; undefined when it has nothing for this server. */
export async function fromHelper(
  run: (helper: string, serverUrl: string) => Promise<string>,
  helper: string,
  serverUrl: string,
  origin: string,
  explicit: boolean,
): Promise<RegistryCredential | undefined> {
  const what = `credential helper docker-credential-${helper} (from ${explicit ? 'credHelpers' : 'credsStore'} in ${origin})`;
  let out: string;
  try {
    out = await run(helper, serverUrl);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const message = e instanceof Error ? e.message : String(e);
    if (NOT_FOUND.test(message)) return undefined;
    // A global credsStore whose binary is absent (a config copied from a desktop) must not block anonymous pulls.
    if (code === 'ENOENT' && !explicit) return undefined;
    if (code === 'ENOENT') throw new TagstreamError('Config', `${what}: not found on PATH`);
    // Never the helper's words: a failing helper may print its JSON answer, Secret included.
    const how = e instanceof HelperFailure ? e.message : typeof code === 'string' ? code : 'it failed';
    throw new TagstreamError('Config', `${what}: failed for ${serverUrl} (${how}); its output is not shown, run it by hand to see why`);
  }
  if (NOT_FOUND.test(out)) return undefined;
  let answer: unknown;
  try {
    answer = JSON.parse(out) as unknown;
  } catch {
    throw new TagstreamError('Config', `${what}: expected JSON {"ServerURL","Username","Secret"} on stdout for ${serverUrl}`);
  }
  if (!isRecord(answer) || typeof answer.Secret !== 'string' || (answer.Username !== undefined && typeof answer.Username !== 'string')) {
    throw new TagstreamError('Config', `${what}: expected JSON {"ServerURL","Username","Secret"} with string fields for ${serverUrl}`);
  }
  const username = typeof answer.Username === 'string' ? answer.Username : '';
  if (answer.Secret === '' && username === '') return undefined;
  return username === TOKEN_USERNAME ? Object.freeze({ identityToken: answer.Secret }) : Object.freeze({ username, password: answer.Secret });
}

