// How pg_dump / pg_restore are pointed at a database without the password on their command line, where
// any local user could read it (ps, /proc/<pid>/cmdline): the URL goes without it, the password goes in
// PGPASSWORD, which only the child's own user can read. Pure.

export interface LibpqConnection {
  /** The connection URI for --dbname, without a password. */
  dbname: string;
  /** Extra environment for the child: PGPASSWORD when the URL had a password. */
  env: Record<string, string>;
}

export function libpqConnection(url: string): LibpqConnection {
  const parsed = new URL(url);
  if (!/^postgres(ql)?:$/.test(parsed.protocol) || parsed.host === '') throw new TypeError('libpqConnection needs a postgres:// URL');
  // libpq also takes the password as a query parameter; either place, it moves to the environment.
  const fromQuery = parsed.searchParams.get('password');
  const password = parsed.password ? decodeURIComponent(parsed.password) : fromQuery;
  parsed.password = '';
  parsed.searchParams.delete('password');
  return { dbname: parsed.toString(), env: password ? { PGPASSWORD: password } : {} };
}
