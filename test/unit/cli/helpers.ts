/** In-process CLI runner for tests: captured stdout/stderr, fixed clock, optional fake registry. */
import { fileURLToPath } from 'node:url';
import { captureStream } from '../../fakes/capture-stream.js';
import { defaultDeps } from '../../../src/cli/composition.js';
import type { CliDeps } from '../../../src/cli/context.js';
import { run } from '../../../src/cli/run.js';
import { fixedClock } from '../../../src/ports/clock.js';
import type { RegistryPort } from '../../../src/ports/registry.js';
import { referenceText, type ImageReference } from '../../../src/domain/image-reference.js';

export const BASIC_REPO = fileURLToPath(new URL('../../fixtures/cli/basic', import.meta.url));
export const NOW_ISO = '2026-11-21T06:00:00Z';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A registry whose every method fails: tests that must not reach a registry use it. */
export function unreachableRegistry(): RegistryPort & { calls: string[] } {
  const calls: string[] = [];
  const fail = async (reference: ImageReference): Promise<never> => {
    const ref = referenceText(reference);
    calls.push(ref);
    throw new Error(`registry must not be contacted (${ref})`);
  };
  return { calls, resolve: fail, inspect: fail, listTags: fail, copy: fail };
}

export async function runCli(argv: string[], opts: { cwd?: string; registry?: RegistryPort; tty?: boolean } = {}): Promise<RunResult> {
  const stdout = captureStream(opts.tty);
  const stderr = captureStream(opts.tty);
  const env = { HOME: '/nonexistent' };
  const real = defaultDeps(env);
  const registry = opts.registry ?? unreachableRegistry();
  const deps: CliDeps = { ...real, createRegistry: () => registry };
  const code = await run(argv, { stdout, stderr, env, cwd: opts.cwd ?? BASIC_REPO, clock: fixedClock(NOW_ISO) }, deps);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
