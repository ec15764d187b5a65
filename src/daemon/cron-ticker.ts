/**
 * The daemon's clock tick through node-cron (the one place allowed to import it): a task every
 * second. Due-ness is decided by the Daemon from its intervals, so any duration works, not only
 * those a cron expression can spell.
 */
import { schedule } from 'node-cron';
import type { Ticker } from './daemon.js';

/** Call `onTick` every second until stop(). */
export function startCronTicker(onTick: () => void): Ticker {
  const task = schedule('* * * * * *', () => onTick(), { name: 'tagstream-tick', noOverlap: true });
  return {
    stop() {
      void task.destroy();
    },
  };
}
