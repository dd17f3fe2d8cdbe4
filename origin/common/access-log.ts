// One JSON line per request: what ops search by (request id, route, status, duration). No headers, no
// query string, no body: nothing that could carry a credential or personal search terms.
import { pino } from 'pino';
import { isoTime, type Logger } from './logger.ts';

type LineStream = { write(line: string): unknown };

/**
 * The line pino would write for `logger.info({ rid, method, path, route, status, ms, user }, 'request')`,
 * byte for byte (level, time, bindings, fields, msg), built with one native JSON.stringify: pino's
 * generic serialiser and redaction pass cost a page view more than its route handler. The fields are
 * fixed here and none of them can carry a credential, so there is nothing to redact.
 */
export function accessLineWriter(logger: Logger) {
  const stream = (logger as unknown as Record<symbol, LineStream>)[pino.symbols.streamSym]!;
  const bindings = JSON.stringify(logger.bindings()).slice(1, -1);
  const head = bindings ? `,${bindings},` : ',';
  return (level: 'debug' | 'info', fields: Record<string, string | number | undefined>) => {
    stream.write(`{"level":"${level}"${isoTime()}${head}${JSON.stringify(fields).slice(1, -1)},"msg":"request"}\n`);
  };
}
