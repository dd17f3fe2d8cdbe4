import { describe, expect, it } from 'vitest';
import { describeMailgunFailure } from './mailgun-failure.ts';

const CONTEXT = { baseUrl: 'https://api.mailgun.net', domain: 'mg.example.com' };
const response = (status: number, body = '') => describeMailgunFailure({ kind: 'response', status, body }, CONTEXT);

describe('describeMailgunFailure', () => {
  it('sends a refused key (401 Forbidden) to MAILGUN_API_KEY and the region', () => {
    const message = response(401, 'Forbidden');
    expect(message).toMatch(/^Mailgun refused the API key \(401\): check MAILGUN_API_KEY/);
    expect(message).toContain('MAILGUN_BASE_URL');
  });

  it('sends "Domain not found" to MAILGUN_DOMAIN and the EU/US base URL', () => {
    const message = response(404, '{"message":"Domain not found: mg.example.com"}');
    expect(message).toContain('404: Domain not found: mg.example.com');
    expect(message).toContain('check MAILGUN_DOMAIN');
    expect(message).toContain('https://api.eu.mailgun.net');
  });

  it('tells a 404 without JSON (no such endpoint) apart: the base URL is wrong', () => {
    expect(response(404, '<h1>Not Found</h1>')).toBe(
      'Mailgun has no such endpoint at https://api.mailgun.net (404): check MAILGUN_BASE_URL (https://api.mailgun.net or https://api.eu.mailgun.net, without /v3)',
    );
  });

  it("quotes Mailgun's own reason for a 400", () => {
    expect(response(400, '{"message":"\'to\' parameter is not a valid address. please check documentation"}')).toBe(
      "Mailgun rejected the message (400): 'to' parameter is not a valid address. please check documentation",
    );
  });

  it('calls rate limits, 5xx, timeouts and network failures transient', () => {
    expect(response(429, '{"message":"Too many requests"}')).toMatch(/rate limiting.*transient/);
    expect(response(420, '{"message":"Domain mg.example.com is not allowed to send: recipient limit exceeded"}')).toMatch(/rate limiting.*transient/);
    expect(response(503, 'upstream down')).toBe('Mailgun failed on its side (503) (transient: retried later)');
    expect(describeMailgunFailure({ kind: 'timeout', timeoutMs: 10_000 }, CONTEXT)).toBe(
      'Mailgun did not answer within 10 s at https://api.mailgun.net (transient: retried later)',
    );
    expect(describeMailgunFailure({ kind: 'network', detail: 'ECONNREFUSED' }, CONTEXT)).toMatch(/^Could not reach Mailgun at https:\/\/api\.mailgun\.net: ECONNREFUSED \(transient/);
  });

  it('cuts a long body short', () => {
    const message = response(400, JSON.stringify({ message: 'x'.repeat(5000) }));
    expect(message.length).toBeLessThan(400);
  });
});
