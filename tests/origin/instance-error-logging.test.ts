// A query that fails is logged by the database's code and message, never with the text it was sent (page
// text, search terms, emails). The failures are forced by changing this test's own database.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';
import { createPage, editor } from './helpers/people.ts';

let h: InstanceHarness;
let side: postgres.Sql;
beforeAll(async () => {
  h = await startInstance('instance1');
  side = postgres(h.testDatabase.url, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await side.end();
  await h.close();
});

/** The log lines of failed requests, as JSON. */
const failures = () => h.logLines.filter((line) => line.includes('"request failed"')).map((line) => JSON.parse(line));

describe('logging a failed query', () => {
  it('keeps the search terms out of the log and the database error in it', async () => {
    await side`alter function wiki_unaccent(text) rename to wiki_unaccent_gone`;
    try {
      h.logLines.length = 0;
      const res = await h.api(`/api/search?q=${encodeURIComponent('my-private-search-term')}`, { as: editor });
      expect(res.status).toBe(500);
      expect(res.body.error.code).toBe('internal');
    } finally {
      await side`alter function wiki_unaccent_gone(text) rename to wiki_unaccent`;
    }
    expect(h.logLines.join('')).not.toContain('my-private-search-term');
    const [logged] = failures();
    expect(logged.err).toMatchObject({ type: 'DrizzleQueryError', database: { type: 'PostgresError', code: '42883' } });
    expect(logged.err.database.message).toContain('wiki_unaccent');
  });

  it('keeps page text out of the log, even where the database quotes the failing row', async () => {
    const page = await createPage(h, { path: '/logged', title: 'Logged', content: 'public text' });
    // A check constraint refuses the save; Postgres's detail for it quotes the whole new row.
    await side`alter table pages add constraint no_payroll check (content not like '%payroll-of-2026%') not valid`;
    try {
      h.logLines.length = 0;
      const res = await h.api(`/api/pages/${page.id}`, { method: 'PUT', as: editor, body: { revision: 1, content: 'the payroll-of-2026 list' } });
      expect(res.status).toBe(500);
    } finally {
      await side`alter table pages drop constraint no_payroll`;
    }
    expect(h.logLines.join('')).not.toContain('payroll-of-2026');
    const [logged] = failures();
    expect(logged.err.database).toMatchObject({ code: '23514', constraint: 'no_payroll', table: 'pages' });
    expect(logged.err.stack).toMatch(/^at /);
  });
});
