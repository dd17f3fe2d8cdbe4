// One line for an error in a status line: the innermost cause (the database's or the network's own words), bounded.

export function describeError(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return describeError(err.errors[0]);
  // drizzle wraps a failed statement ("Failed query: <the whole migration>"); the database's own reason is the cause.
  if (err instanceof Error && err.cause instanceof Error) return describeError(err.cause);
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const text = (err.message || (typeof code === 'string' ? code : err.name)).replace(/\s+/g, ' ').trim();
    return text.length > 600 ? `${text.slice(0, 600)}…` : text;
  }
  return String(err);
}
