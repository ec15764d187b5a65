/**
 * The run id of the daemon's current run, carried through every await of that run
 * (AsyncLocalStorage), so each log line written on the run's behalf, by whichever component, names
 * it. Lines written outside a run (webhook requests, start-up) carry none.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

export class RunScope {
  private readonly storage = new AsyncLocalStorage<{ readonly run: string }>();

  /** Run `fn` as run `id` (a fresh random id by default). */
  run<T>(fn: () => Promise<T>, id: string = newRunId()): Promise<T> {
    return this.storage.run({ run: id }, fn);
  }

  /** `{ run: id }` inside a run, undefined outside. */
  fields(): { readonly run: string } | undefined {
    return this.storage.getStore();
  }
}

/** 12 hex digits: unique enough across restarts to find one run's lines in a log store. */
export function newRunId(): string {
  return randomBytes(6).toString('hex');
}
