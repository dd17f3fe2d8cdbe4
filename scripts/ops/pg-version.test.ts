import { describe, expect, it } from 'vitest';
import { parseServerVersion, parseToolVersion, versionProblem } from './pg-version.ts';

describe('parseToolVersion', () => {
  it.each([
    ['pg_dump (PostgreSQL) 16.4 (Debian 16.4-1.pgdg120+1)', 16, '16.4'],
    ['pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n', 15, '15.18'],
    ['pg_restore (PostgreSQL) 18beta1', 18, '18'],
    ['pg_dump (PostgreSQL) 9.6.24', 9, '9.6.24'],
  ])('reads %j', (output, major, text) => {
    expect(parseToolVersion(output)).toEqual({ major, text });
  });

  it('gives null for output that is not a PostgreSQL tool version', () => {
    expect(parseToolVersion('bash: pg_dump: command not found')).toBeNull();
  });
});

describe('parseServerVersion', () => {
  it('reads server_version_num', () => {
    expect(parseServerVersion('160004')).toEqual({ major: 16, text: '16.4' });
    expect(parseServerVersion(150018)).toEqual({ major: 15, text: '15.18' });
  });

  it('gives null for anything else', () => {
    expect(parseServerVersion('90624')).toBeNull();
    expect(parseServerVersion('sixteen')).toBeNull();
  });
});

describe('versionProblem', () => {
  const server16 = { major: 16, text: '16.4' };

  it('accepts a pg_dump of the same or a newer major', () => {
    expect(versionProblem('pg_dump', { major: 16, text: '16.1' }, server16, 'the server', 'PG_DUMP')).toBeNull();
    expect(versionProblem('pg_dump', { major: 17, text: '17.0' }, server16, 'the server', 'PG_DUMP')).toBeNull();
  });

  it('refuses an older pg_dump and names the package and the variable that fix it', () => {
    const problem = versionProblem('pg_dump', { major: 15, text: '15.18' }, server16, 'the server', 'PG_DUMP');
    expect(problem).toBe(
      'pg_dump 15.18 is older than the server (16.4) and cannot work with it: install the PostgreSQL 16 client tools ' +
        '(Debian/Ubuntu: postgresql-client-16 from the PGDG apt repository) or set PG_DUMP to a pg_dump of version 16 or newer',
    );
  });
});
