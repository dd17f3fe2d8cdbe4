import { describe, expect, it } from 'vitest';
import { libpqConnection } from './pg-connection.ts';

describe('libpqConnection', () => {
  it('moves the password from the URL to PGPASSWORD, decoded', () => {
    expect(libpqConnection('postgres://instance1:p%40ss@db-instance1:5432/instance1')).toEqual({
      dbname: 'postgres://instance1@db-instance1:5432/instance1',
      env: { PGPASSWORD: 'p@ss' },
    });
  });

  it('moves a password given as a query parameter and keeps the other parameters', () => {
    expect(libpqConnection('postgresql://u@h/db?sslmode=require&password=hunter2')).toEqual({
      dbname: 'postgresql://u@h/db?sslmode=require',
      env: { PGPASSWORD: 'hunter2' },
    });
  });

  it('sets no PGPASSWORD for a URL without one', () => {
    expect(libpqConnection('postgres://u@h:5432/db')).toEqual({ dbname: 'postgres://u@h:5432/db', env: {} });
  });

  it('refuses what is not a postgres URL', () => {
    expect(() => libpqConnection('mysql://u:p@h/db')).toThrow(TypeError);
  });
});
