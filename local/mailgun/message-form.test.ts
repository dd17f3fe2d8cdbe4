import { describe, expect, it } from 'vitest';
import { bareAddress, splitAddressList } from './addresses.ts';
import { readMessageForm, type FieldValue } from './message-form.ts';

const VALID: [string, FieldValue][] = [
  ['from', 'wikiplatform <welcome@mg.example.com>'],
  ['to', 'ada@example.com'],
  ['subject', 'Hello'],
  ['text', 'Hi'],
];
const without = (name: string) => VALID.filter(([n]) => n !== name);
const refusal = (entries: [string, FieldValue][]) => {
  const result = readMessageForm(entries);
  return result.ok ? null : result.message;
};

describe('readMessageForm', () => {
  it('refuses each missing required field with Mailgun’s sentence', () => {
    expect(refusal(without('from'))).toBe("'from' parameter is missing");
    expect(refusal(without('to'))).toBe("'to' parameter is missing");
    expect(refusal(without('subject'))).toBe("'subject' parameter is missing");
    expect(refusal(without('text'))).toBe("Need at least one of 'text', 'html', 'amp-html' or 'template' parameters specified");
  });

  it('counts a blank body as no body', () => {
    expect(refusal([...without('text'), ['text', '  \n'], ['html', '']])).toMatch(/^Need at least one of/);
    expect(refusal([...without('text'), ['html', '<p>Hi</p>']])).toBeNull();
  });

  it('refuses addresses Mailgun would refuse', () => {
    expect(refusal([...without('to'), ['to', 'matt@parabol']])).toBe("'to' parameter is not a valid address. please check documentation");
    expect(refusal([...without('from'), ['from', 'root@localhost']])).toBe("'from' parameter is not a valid address. please check documentation");
    expect(refusal([...without('from'), ['from', 'a@example.com, b@example.com']])).toMatch(/^'from' parameter is not a valid address/);
    expect(refusal([...VALID, ['cc', 'not an address']])).toMatch(/^'cc' parameter is not a valid address/);
  });

  it('reads several recipients from commas and repeated fields, and sorts the options', () => {
    const result = readMessageForm([
      ...without('to'),
      ['to', '"Doe, John" <john@example.com>, ada@example.com'],
      ['to', 'Bob <bob@example.com>'],
      ['o:tag', 'welcome'],
      ['o:tag', 'billing'],
      ['h:X-Request-Id', 'r-1'],
      ['v:customer', 'cus_1'],
      ['o:testmode', 'yes'],
      ['attachment', { name: 'a.pdf', size: 3, type: 'application/pdf' }],
    ]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.fields.to).toEqual(['"Doe, John" <john@example.com>', 'ada@example.com', 'Bob <bob@example.com>']);
    expect(result.fields.tags).toEqual(['welcome', 'billing']);
    expect(result.fields.headers).toEqual({ 'X-Request-Id': 'r-1' });
    expect(result.fields.variables).toEqual({ customer: 'cus_1' });
    expect(result.fields.options).toEqual({ 'o:testmode': 'yes' });
    expect(result.fields.attachments).toEqual([{ field: 'attachment', filename: 'a.pdf', size: 3, contentType: 'application/pdf' }]);
  });

  it('limits the send options to 16 kB', () => {
    expect(refusal([...VALID, ['v:big', 'x'.repeat(16 * 1024)]])).toMatch(/limited to 16 kB total/);
  });
});

describe('addresses', () => {
  it('splits on commas outside quotes and brackets', () => {
    expect(splitAddressList(' a@x.io ,"B, C" <b@x.io>,, ')).toEqual(['a@x.io', '"B, C" <b@x.io>']);
  });

  it('finds the bare address or refuses', () => {
    expect(bareAddress('Bob <bob@host.com>')).toBe('bob@host.com');
    expect(bareAddress('bob@host.com')).toBe('bob@host.com');
    expect(bareAddress('"Bob \\"B\\"" <bob@host.com>')).toBe('bob@host.com');
    for (const bad of ['bob', '@host.com', 'bob@', 'bob@host', 'bob@host.123', 'b ob@host.com', 'Bob <bob@host.com', '<script>@x.com']) {
      expect(bareAddress(bad), bad).toBeNull();
    }
  });
});
