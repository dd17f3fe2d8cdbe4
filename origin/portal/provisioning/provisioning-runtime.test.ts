import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../common/logger.ts';
import { logJobFailure } from './provisioning-runtime.ts';
import { ProvisioningError } from './provisioning-error.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

const failure = (error: unknown) => ({ jobId: 7, customerId: 'cus_1', attempts: 3, nextAttemptAt: new Date('2026-11-21T12:00:00Z'), error });

describe('a failed provisioning job in the log', () => {
  it('is a warning when waiting can cure it (Keycloak or Mailgun unavailable, or an unexpected error)', () => {
    const { logger, lines } = capture();
    logJobFailure(logger, failure(new ProvisioningError('mail_unavailable', 'Mailgun answered 503')));
    logJobFailure(logger, failure(new Error('boom')));
    expect(lines.map((l) => [l.level, l.code, l.retryable])).toEqual([
      ['warn', 'mail_unavailable', true],
      ['warn', 'unexpected', true],
    ]);
  });

  it('is an error that says an operator must act when only a change can cure it, with the code and what to fix', () => {
    const { logger, lines } = capture();
    logJobFailure(logger, failure(new ProvisioningError('idp_email_unverified', 'mark it verified in Keycloak')));
    expect(lines).toEqual([
      expect.objectContaining({ level: 'error', code: 'idp_email_unverified', retryable: false, jobId: 7, customer: 'cus_1', error: 'mark it verified in Keycloak', msg: expect.stringContaining('needs an operator') }),
    ]);
  });
});
