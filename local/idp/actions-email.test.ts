import { describe, expect, it } from 'vitest';
import { formatLifespan, renderActionsEmail } from './actions-email.ts';

describe('the execute-actions email', () => {
  it('states the expiry in the largest whole unit, as Keycloak does', () => {
    expect(formatLifespan(43_200)).toBe('12 hours');
    expect(formatLifespan(86_400)).toBe('1 day');
    expect(formatLifespan(300)).toBe('5 minutes');
    expect(formatLifespan(90)).toBe('2 minutes');
    expect(formatLifespan(1)).toBe('1 second');
  });

  it('carries the link in both parts and escapes it in the HTML one', () => {
    const link = 'http://sso.test/realms/r/login-actions/action-token?key=abc&x="y"';
    const message = renderActionsEmail({ to: 'a@example.test', realmDisplayName: '<Wiki>', link, actions: ['UPDATE_PASSWORD'], lifespanSeconds: 43_200 });
    expect(message.text).toContain(`\n${link}\n`);
    expect(message.text).toContain('following action(s): Update Password.');
    expect(message.html).toContain('href="http://sso.test/realms/r/login-actions/action-token?key=abc&amp;x=&quot;y&quot;"');
    expect(message.html).toContain('&lt;Wiki&gt;');
    expect(message.html).not.toContain('<Wiki>');
  });
});
