import { describe, expect, it } from 'vitest';
import { fillTemplate, isoDate, isTemplatePath } from './templates.ts';

describe('template paths', () => {
  it('counts pages below /templates, at any depth, as templates', () => {
    expect(isTemplatePath('/templates/meeting-notes')).toBe(true);
    expect(isTemplatePath('/templates/hr/onboarding')).toBe(true);
  });

  it('does not count the section page itself, a look-alike section or other pages', () => {
    expect(isTemplatePath('/templates')).toBe(false);
    expect(isTemplatePath('/templates-old/a')).toBe(false);
    expect(isTemplatePath('/docs/templates/a')).toBe(false);
    expect(isTemplatePath('/')).toBe(false);
  });
});

describe('filling a template', () => {
  const values = { date: '2026-11-21', user: 'Ada Lovelace', title: 'Weekly sync' };

  it('replaces every date, user and title placeholder, spaces inside the braces allowed', () => {
    const text = '# {{title}}\n\nHeld on {{ date }} by {{user}}; notes by {{user }}.';
    expect(fillTemplate(text, values)).toBe('# Weekly sync\n\nHeld on 2026-11-21 by Ada Lovelace; notes by Ada Lovelace.');
  });

  it('leaves unknown placeholders, other braces and a placeholder without a value as they are', () => {
    expect(fillTemplate('{{owner}} {date} {{ date', values)).toBe('{{owner}} {date} {{ date');
    expect(fillTemplate('# {{title}}', { ...values, title: '' })).toBe('# {{title}}');
  });

  it('does not fill placeholders found in the values themselves', () => {
    expect(fillTemplate('{{user}} {{title}}', { ...values, user: '{{title}}', title: 'T' })).toBe('{{title}} T');
  });

  it('writes the date as YYYY-MM-DD in UTC', () => {
    expect(isoDate(new Date('2026-11-21T23:30:00-05:00'))).toBe('2026-11-22');
  });
});
