// Runs the provisioning outbox in the portal process: at once when the webhook enqueues a job (kick),
// and every few seconds otherwise, which picks up retries whose backoff has run out and jobs enqueued by
// another portal process. Several portals may run it together: the outbox claims jobs with SKIP LOCKED.
import type { Logger } from '../../common/logger.ts';
import type { OutboxRun } from '../billing/outbox.ts';

export interface OutboxWorkerOptions {
  /**
   * One pass over the due jobs (processOutbox bound to its database and provisioner). `shouldStop` turns
   * true at shutdown: the pass should finish the job in hand and take no other.
   */
  runOnce: (shouldStop: () => boolean) => Promise<OutboxRun>;
  logger: Logger;
  /** Time between passes when nothing kicks the worker. */
  intervalMs?: number;
}

export interface OutboxWorker {
  /** Asks for a pass as soon as the current one ends (the webhook calls it after enqueuing). */
  kick(): void;
  /** Ends the loop after the pass in progress; resolves once nothing touches the database any more. */
  stop(): Promise<void>;
}

const DEFAULT_INTERVAL_MS = 5_000;

export function startOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  let stopped = false;
  let kicked = false;
  let wake: (() => void) | null = null;

  const sleep = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, intervalMs);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  const loop = (async () => {
    while (!stopped) {
      kicked = false;
      // A pass that did something may have left more due jobs (it takes a batch); one that found
      // nothing sleeps. A failed job is not due again until its backoff ends, so this cannot spin.
      let busy = false;
      try {
        const run = await options.runOnce(() => stopped);
        busy = run.applied + run.failed > 0;
        if (busy) options.logger.info({ applied: run.applied, failed: run.failed }, 'provisioning outbox pass');
      } catch (err) {
        // The database is down or the pass itself broke: say so and try again on the next tick.
        options.logger.error({ err }, 'provisioning outbox pass failed');
      }
      if (!stopped && !kicked && !busy) await sleep();
    }
  })();

  return {
    kick() {
      kicked = true;
      wake?.();
    },
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
