import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, isoTime } from './logger.ts';
import { requestLogger } from './request-id.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

describe('isoTime', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes what pino.stdTimeFunctions.isoTime writes, for any millisecond', () => {
    const times = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 1_700_000_000_000, 1_700_000_000_007, 1_700_000_000_050, 1_700_000_000_999, 1_700_000_001_000, 4_102_444_800_123, 253_402_300_799_999, 253_402_300_800_000, -1, -1001];
    for (let i = 0; i < 2000; i++) times.push(1_763_700_000_000 + Math.floor(Math.random() * 10_000_000));
    for (const t of [...times, ...times.reverse()]) {
      vi.spyOn(Date, 'now').mockReturnValue(t);
      expect(isoTime()).toBe(pino.stdTimeFunctions.isoTime());
    }
  });
});

describe('request logger', () => {
  it('logs with rid, as logger.child({ rid }) does', () => {
    const { lines, logger } = capture();
    const log = requestLogger(logger, 'req-1');
    log.warn({ reason: 'x', headers: { authorization: 'secret' } }, 'refused');
    log.child({ extra: 1 }).info('nested');
    logger.flush?.();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 'warn', rid: 'req-1', reason: 'x', headers: { authorization: '[redacted]' }, msg: 'refused' });
    expect(lines[1]).toMatchObject({ level: 'info', rid: 'req-1', extra: 1, msg: 'nested' });
  });

  it('answers level checks without making the child, and follows the parent level', () => {
    const { logger } = capture();
    const child = vi.spyOn(logger, 'child');
    const log = requestLogger(logger, 'req-2');
    expect(log.isLevelEnabled('debug')).toBe(false);
    expect(log.isLevelEnabled('info')).toBe(true);
    logger.level = 'debug';
    expect(log.isLevelEnabled('debug')).toBe(true);
    expect(child).not.toHaveBeenCalled();
    expect(log.level).toBe('debug');
    expect(child).toHaveBeenCalledTimes(1);
    log.level = 'error';
    expect(log.isLevelEnabled('warn')).toBe(false);
    expect(logger.isLevelEnabled('warn')).toBe(true);
    expect(child).toHaveBeenCalledTimes(1);
  });
});
