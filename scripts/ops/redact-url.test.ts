import { describe, expect, it } from 'vitest';
import { redactSecrets, redactUrl } from './redact-url.ts';

describe('redactUrl', () => {
  it('hides the user and password but keeps host, port and database', () => {
    expect(redactUrl('postgres://instance1:s3cret@db-instance1:5432/instance1')).toBe('postgres://***@db-instance1:5432/instance1');
  });

  it('drops query parameters, which may carry a password too', () => {
    expect(redactUrl('postgres://db:5432/x?password=hunter2')).toBe('postgres://db:5432/x');
  });

  it('hides a string that is not a URL entirely', () => {
    expect(redactUrl('user:pw@nowhere')).toBe('(unparseable URL)');
  });
});

describe('redactSecrets', () => {
  it('removes the URL and its password, raw and percent-decoded, from an error message', () => {
    const url = 'postgres://u:p%40ss-word@h:1/d';
    const message = `could not reach ${url}: auth p@ss-word / p%40ss-word refused`;
    const out = redactSecrets(message, url);
    expect(out).not.toContain('p@ss-word');
    expect(out).not.toContain('p%40ss-word');
    expect(out).toContain('postgres://***@h:1/d');
  });
});

describe('redactSecrets with other secrets', () => {
  it('blanks out every other secret value given, wherever it appears', () => {
    const out = redactSecrets('signed with bucket-secret-123 for postgres://u:pw@h/d (bucket-secret-123)', 'postgres://u:pw@h/d', ['bucket-secret-123']);
    expect(out).toBe('signed with *** for postgres://***@h/d (***)');
  });
});
