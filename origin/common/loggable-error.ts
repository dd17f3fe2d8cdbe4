// What the log keeps of an unexpected error. A failed query's message and stack open with the query and
// its parameters (page text, search terms, emails), and a database error's detail can quote a whole row:
// for those, only where it failed and the database's own code and message are kept.
import { DrizzleQueryError } from 'drizzle-orm';
import postgres from 'postgres';

export function loggableError(err: unknown): unknown {
  // No top-level `message`: pino's error serializer would otherwise fold the causes back into it.
  if (err instanceof DrizzleQueryError) return { type: 'DrizzleQueryError', stack: framesOf(err), database: databaseError(err.cause) };
  if (err instanceof postgres.PostgresError) return { type: 'PostgresError', stack: framesOf(err), database: databaseError(err) };
  return err;
}

/** The stack without its first line, `${name}: ${message}` (for a failed query: the query and its parameters). */
function framesOf(err: Error): string | undefined {
  const head = `${err.name}: ${err.message}`;
  return err.stack?.startsWith(head) ? err.stack.slice(head.length).trimStart() : undefined;
}

function databaseError(err: unknown) {
  if (err instanceof postgres.PostgresError) {
    const { name, code, severity, message, position, routine, schema_name, table_name, column_name, constraint_name } = err;
    return { type: name, code, severity, message, position, routine, schema: schema_name, table: table_name, column: column_name, constraint: constraint_name };
  }
  // Not from the server (a closed connection, a timeout): the driver's own message names no parameter.
  if (err instanceof Error) return { type: err.name, code: (err as { code?: unknown }).code, message: err.message };
  return undefined;
}
