// JSON API: search, the current user, live preview, people and settings.
import { Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '#shared/errors';
import type { InstanceEnv } from '../deps.ts';
import { PageContent, PagePathInput } from '../policy/page-input.ts';
import { cleanQuery } from '../policy/search-query.ts';
import { decodeKeyCursor, pageSize } from '../policy/paging.ts';
import { can, ROLES } from '../policy/roles.ts';
import type { InstanceServices } from '../services/services.tsx';
import { renderWithLinks, requireRole, checkedPath } from '../services/wiki.ts';
import { reindexAll } from '../store/pages.ts';
import { searchPages } from '../store/search.ts';
import { searchLanguages, writeSettings } from '../store/settings.ts';
import { assignRole, findUser, listUsers } from '../store/users.ts';
import { actorOf, intParam, readJson, snippetHtml } from './api-support.ts';

export const SettingsBody = z.object({
  title: z.string().trim().max(100).nullable().optional(),
  description: z.string().max(2000).optional(),
  searchLanguage: z.string().max(63).optional(),
  defaultRole: z.enum(ROLES).optional(),
});
export const RoleBody = z.object({ role: z.enum(ROLES).nullable() });

export function miscApi(services: InstanceServices) {
  const { db, directory } = services;
  const app = new Hono<InstanceEnv>();

  app.get('/api/search', async (c) => {
    const q = cleanQuery(c.req.query('q'));
    if (!q) return c.json({ query: q, results: [] });
    const hits = await searchPages(db, q, c.var.settings.searchLanguage);
    return c.json({ query: q, results: hits.map((h) => ({ id: h.id, path: h.path, title: h.title, snippet: snippetHtml(h.snippet) })) });
  });

  app.get('/api/me', (c) => {
    const { user, role } = c.var;
    return c.json({
      user: { id: user.id, sub: user.sub, username: user.username, email: user.email, name: user.name, role },
      instance: { id: services.instanceId, title: c.var.settings.title || services.instanceId },
      permissions: { write: can(role, 'write'), purge: can(role, 'purge'), managePeople: can(role, 'manage_people'), manageSettings: can(role, 'manage_settings'), export: can(role, 'export'), import: can(role, 'import') },
    });
  });

  app.post('/api/preview', async (c) => {
    // Rendering is the costliest work a request can ask for; it is for people who can save what they preview.
    requireRole(actorOf(c), 'write');
    const body = await readJson(c, z.object({ content: PageContent, path: PagePathInput.optional() }));
    const { rendered } = await renderWithLinks(db, body.content, body.path ? checkedPath(body.path) : '/');
    return c.json({ html: rendered.html, toc: rendered.toc });
  });

  app.get('/api/users', async (c) => {
    // By name, ties by id; `after` is the opaque `next` of the previous page.
    const limit = pageSize(c.req.query('limit'));
    const after = decodeKeyCursor(c.req.query('after'), 'after', ['text', 'id']);
    const { items: rows, next } = await listUsers(db, { limit, after });
    const defaultRole = c.var.settings.defaultRole;
    // An instance is shared by every customer whose plan opens it: emails are for the people who manage it.
    const showEmail = can(c.var.role, 'manage_people');
    return c.json({
      defaultRole,
      users: rows.map((u) => ({ id: u.id, name: u.name, username: u.username, ...(showEmail ? { email: u.email } : {}), role: u.role, lastSeenAt: u.lastSeenAt })),
      next,
    });
  });

  app.put('/api/users/:id', async (c) => {
    requireRole(actorOf(c), 'manage_people');
    const id = intParam(c, 'id');
    const { role } = await readJson(c, RoleBody);
    if (!(await findUser(db, id))) throw new AppError('not_found', 'No such user.');
    const updated = await assignRole(db, id, role);
    if (updated) directory.forgetUser(updated.sub);
    return c.json({ user: updated });
  });

  app.get('/api/settings', async (c) => {
    requireRole(actorOf(c), 'manage_settings');
    return c.json({ settings: c.var.settings, searchLanguages: await searchLanguages(db) });
  });

  app.put('/api/settings', async (c) => {
    requireRole(actorOf(c), 'manage_settings');
    const body = await readJson(c, SettingsBody);
    const settings = await saveSettings(services, body, c.var.settings.searchLanguage);
    return c.json({ settings });
  });

  return app;
}

/** Validates the language against the database, saves, re-indexes if the language changed. */
export async function saveSettings(services: InstanceServices, patch: z.infer<typeof SettingsBody>, previousLanguage: string) {
  const { db, directory } = services;
  if (patch.searchLanguage !== undefined && !(await searchLanguages(db)).includes(patch.searchLanguage)) {
    throw new AppError('validation_failed', 'searchLanguage: not a text-search configuration of this database', {
      fields: [{ field: 'searchLanguage', message: 'unknown language' }],
    });
  }
  const title = patch.title === undefined ? undefined : patch.title || null;
  const settings = await db.transaction(async (tx) => {
    const saved = await writeSettings(tx, { ...patch, title });
    if (saved.searchLanguage !== previousLanguage) await reindexAll(tx, saved.searchLanguage);
    return saved;
  });
  directory.forgetSettings();
  return settings;
}
