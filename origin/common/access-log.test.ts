import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { accessLineWriter } from './access-log.ts';
import { createLogger } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', base: { service: 'origin', role: 'instance', instance: 'instance1' }, destination }) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('access line', () => {
  it('is byte for byte the line pino writes for the same fields', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-21T07:00:29.042Z'), toFake: ['Date'] });
    const fields = { rid: 'r-1', method: 'GET', path: '/handbook', route: '/*', status: 200, ms: 1.3, user: 'user-1' };
    const viaPino = capture();
    viaPino.logger.info(fields, 'request');
    const fast = capture();
    accessLineWriter(fast.logger)('info', fields);
    await new Promise((r) => setImmediate(r));
    expect(fast.lines).toHaveLength(1);
    expect(fast.lines[0]).toBe(viaPino.lines[0]);
  });

  it('leaves out a missing user, as pino leaves out undefined fields, and escapes what it writes', async () => {
    const out = capture();
    accessLineWriter(out.logger)('debug', { rid: 'r-2', method: 'GET', path: '/a"b\\c', route: '/*', status: 401, ms: 0.2, user: undefined });
    await new Promise((r) => setImmediate(r));
    const line = JSON.parse(out.lines[0]!);
    expect(line).toMatchObject({ level: 'debug', service: 'origin', instance: 'instance1', path: '/a"b\\c', status: 401, msg: 'request' });
    expect('user' in line).toBe(false);
  });
});
