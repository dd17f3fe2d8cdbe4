// A new instance opens on a welcome page rather than an empty screen; written once, never overwritten.
import { sql } from 'drizzle-orm';
import type { InstanceDb } from '../deps.ts';
import { readSettings } from '../store/settings.ts';
import { createWiki } from './wiki.ts';

const WELCOME = (title: string) => `Welcome to **${title}**, your team's wiki.

## Getting started
- [ ] Edit this page: it is the home page everyone sees first.
- [ ] Create a page with **New page**; put it under a section with a path like \`/handbook/onboarding\`.
- [ ] Link pages with \`[[Page title]]\`; the linked page lists its backlinks.
- [ ] Keep page templates under \`/templates\` (say \`/templates/meeting-notes\`): **New page** offers them, with
  \`{{date}}\`, \`{{user}}\` and \`{{title}}\` filled in.

Pages are written in Markdown: tables, task lists, code blocks with highlighting, and a table of
contents built from the headings. Every save is kept in the history, where you can compare and restore.
`;

export async function ensureHomePage(db: InstanceDb, instanceId: string): Promise<boolean> {
  const [existing] = await db.execute(sql`select 1 from pages where path = '/' limit 1`);
  if (existing) return false;
  const settings = await readSettings(db);
  const title = settings.title || instanceId;
  try {
    await createWiki(db).create({ id: null, role: 'admin' }, { path: '/', title, content: WELCOME(title), message: 'Welcome page' }, settings.searchLanguage);
    return true;
  } catch {
    return false; // another process wrote it first
  }
}
