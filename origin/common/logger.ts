// JSON logs (pino). Credentials never reach a log line: headers that carry them are redacted by path,
// and request logs carry only method, path, status, timing and ids.
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.ts';

export type { Logger };

const REDACTED_PATHS = [
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'headers["x-wikiplatform-assertion"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-wikiplatform-assertion"]',
  'assertion',
  'token',
  'password',
];

/**
 * Writes are buffered (4 KB or 1 s, whichever first): a log line per request would otherwise be a write
 * system call per request, which costs a page view more than its database read. Call `flushLogs` on exit.
 */
export function bufferedDestination(dest: number | string = 1): DestinationStream & { flushSync(): void } {
  const stream = pino.destination({ dest, sync: false, minLength: 4096 });
  setInterval(() => stream.flush(), 1000).unref();
  return stream;
}

// The ISO time of the current second, as pino's isoTime writes it up to the dot: `,"time":"…T07:00:29.`.
let timeSecond = Number.NaN;
let timePrefix = '';

/**
 * pino's `stdTimeFunctions.isoTime`, the same text (`,"time":"2026-01-02T03:04:05.678Z"`) for the same
 * clock, without a Date and its formatting per line: the part up to the seconds is formatted once a second.
 */
export function isoTime(): string {
  const now = Date.now();
  const ms = now % 1000;
  if (ms < 0 || !Number.isSafeInteger(now)) return pino.stdTimeFunctions.isoTime(); // before 1970, or no valid time
  const second = now - ms;
  if (second !== timeSecond) {
    timePrefix = `,"time":"${new Date(second).toISOString().slice(0, -4)}`;
    timeSecond = second;
  }
  return `${timePrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z"`;
}

export function createLogger(options: { level: LogLevel; base?: Record<string, unknown>; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: options.base ?? {},
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? bufferedDestination(1),
  );
}
