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

export function createLogger(options: { level: LogLevel; base?: Record<string, unknown>; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: options.base ?? {},
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}
