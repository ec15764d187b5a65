/**
 * The daemon's clock tick through node-cron (the one place allowed to import it): a task every
 * second. Due-ness is decided by the Daemon from its intervals, so any duration works, not only
 * those a cron expression can spell. node-cron's own messages go to our JSON log (debug), so
 * stdout stays one JSON object per line.
 */
import { schedule } from 'node-cron';
import type { Log } from '../ports/log.js';
import type { Ticker } from './daemon.js';

/** Call `onTick` every second until stop(). */
export function startCronTicker(onTick: () => void, log: Log): Ticker {
  const text = (m: string | Error): string => (m instanceof Error ? m.message : m);
  const task = schedule('* * * * * *', () => onTick(), {
    name: 'tagstream-tick',
    noOverlap: true,
    // A tick skipped while the event loop was busy is harmless: the next one sees the same clock.
    suppressMissedWarning: true,
    logger: {
      info: (m) => log.debug('node-cron', { detail: m }),
      warn: (m) => log.debug('node-cron', { detail: m }),
      error: (m, e) => log.warn('node-cron', { detail: text(m), error: e?.message }),
      debug: (m) => log.debug('node-cron', { detail: text(m) }),
    },
  });
  return {
    stop() {
      void task.destroy();
    },
  };
}
