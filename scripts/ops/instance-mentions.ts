// How config files name an instance: `instance1`, `db-instance1` (its database service and volume),
// `INSTANCE1_DB_PASSWORD`, `DATABASE_URL_INSTANCE1`. Exact shapes only, so `wiki` never matches `wiki-eu` or
// `db-wiki-eu`, and cloning or removing one instance's entries cannot touch another's. Pure.

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The id as it appears in variable names: upper-cased, "-" as "_" (my-wiki → MY_WIKI). */
export function variableToken(id: string): string {
  return id.toUpperCase().replace(/-/g, '_');
}

function lowerPattern(id: string): RegExp {
  return new RegExp(`(?<![A-Za-z0-9_-])(db-)?${escape(id)}(?![A-Za-z0-9_-])`, 'g');
}

function upperPattern(id: string): RegExp {
  return new RegExp(`(?<![A-Za-z0-9_])(DATABASE_URL_)?${escape(variableToken(id))}(_DB_PASSWORD)?(?![A-Za-z0-9_])`, 'g');
}

/** Whether a name (a service, a variable, a target like `instance1:3000`, a URL) belongs to instance `id`. */
export function namesInstance(text: string, id: string): boolean {
  return lowerPattern(id).test(text) || upperPattern(id).test(text);
}

/** `text` written for instance `to` instead of `from`, in every shape above. */
export function substituteInstance(text: string, from: string, to: string): string {
  return text
    .replace(lowerPattern(from), (_m, db: string | undefined) => `${db ?? ''}${to}`)
    .replace(upperPattern(from), (_m, prefix: string | undefined, suffix: string | undefined) => `${prefix ?? ''}${variableToken(to)}${suffix ?? ''}`);
}

/**
 * Line numbers (1-based) where the id still appears in any case and shape, comments included: what a purge
 * could not remove by itself, for the operator to look at.
 */
export function linesMentioning(text: string, id: string): number[] {
  const loose = new RegExp(`(?<![A-Za-z0-9])(${escape(id)}|${escape(variableToken(id))})(?![A-Za-z0-9-])`, 'i');
  return text.split('\n').flatMap((line, i) => (loose.test(line) ? [i + 1] : []));
}
