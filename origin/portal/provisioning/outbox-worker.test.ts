import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/logger.ts';
import type { OutboxRun } from '../billing/outbox.ts';
import { startOutboxWorker, type OutboxWorker } from './outbox-worker.ts';

const lines: string[] = [];
const logger = createLogger({
  level: 'info',
  destination: new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  }),
});

const running: OutboxWorker[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.stop()));
  lines.length = 0;
});

/** A pass that reports what the queue of results says, recording when it ran. */
function scripted(results: (OutboxRun | Error)[]) {
  const calls: number[] = [];
  const runOnce = async (): Promise<OutboxRun> => {
    calls.push(Date.now());
    const next = results.shift() ?? { applied: 0, failed: 0 };
    if (next instanceof Error) throw next;
    return next;
  };
  return { calls, runOnce };
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
};

describe('startOutboxWorker', () => {
  it('runs a pass at once on start, then sleeps until kicked', async () => {
    const script = scripted([]);
    const worker = startOutboxWorker({ runOnce: script.runOnce, logger, intervalMs: 60_000 });
    running.push(worker);
    await until(() => script.calls.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(script.calls).toHaveLength(1);
    worker.kick();
    await until(() => script.calls.length === 2);
  });

  it('keeps passing while passes find jobs, then sleeps', async () => {
    const script = scripted([{ applied: 20, failed: 0 }, { applied: 3, failed: 1 }]);
    running.push(startOutboxWorker({ runOnce: script.runOnce, logger, intervalMs: 60_000 }));
    await until(() => script.calls.length === 3);
    await new Promise((r) => setTimeout(r, 100));
    expect(script.calls).toHaveLength(3);
    expect(lines.filter((l) => l.includes('provisioning outbox pass'))).toHaveLength(2);
  });

  it('logs a pass that throws and tries again on the next tick', async () => {
    const script = scripted([new Error('connection refused'), { applied: 1, failed: 0 }]);
    running.push(startOutboxWorker({ runOnce: script.runOnce, logger, intervalMs: 30 }));
    await until(() => script.calls.length >= 3);
    const failure = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'provisioning outbox pass failed');
    expect(failure?.err?.message).toBe('connection refused');
  });

  it('stop waits for the pass in progress and starts no other', async () => {
    let release!: () => void;
    let finished = false;
    let passes = 0;
    const worker = startOutboxWorker({
      logger,
      intervalMs: 10,
      runOnce: async () => {
        passes++;
        await new Promise<void>((r) => (release = r));
        finished = true;
        return { applied: 1, failed: 0 };
      },
    });
    await until(() => passes === 1);
    const stopping = worker.stop();
    worker.kick();
    release();
    await stopping;
    expect(finished).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(passes).toBe(1);
  });
});
