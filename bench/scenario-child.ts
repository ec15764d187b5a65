/**
 * Child-process entry of one bench scenario: reads the ScenarioInput JSON from the file named by argv[2], runs it,
 * and prints the ScenarioResult as one JSON line prefixed with RESULT_MARKER on stdout. Its V8 is tuned as
 * the `tagstream` process tunes its own (src/cli/main.ts: heap growth capped, tier-up budget raised), so its
 * peak RSS and CPU are what a user's run has; the floor runs in the same kind of child, with the same V8.
 */
import { readFileSync } from 'node:fs';
import { tuneV8 } from '../src/adapters/process/v8-tuning.js';
import { RESULT_MARKER, runScenario, type ScenarioInput } from './scenario.js';

tuneV8();

const input = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as ScenarioInput;
runScenario(input).then(
  (result) => {
    process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
  },
  (e: unknown) => {
    process.stderr.write(`bench scenario failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
