/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// People and settings in the browser.
import { Hono } from 'hono';
import { AppError } from '#shared/errors';
import type { InstanceEnv } from '../deps.ts';
import { decodeKeyCursor, pageSize } from '../policy/paging.ts';
import { can, isRole } from '../policy/roles.ts';
import type { InstanceServices } from '../services/services.tsx';
import { requireRole } from '../services/wiki.ts';
import type { ImportResult } from '../services/wiki-import.ts';
import { existingPageMode, runImport } from './api-import.ts';
import { searchLanguages } from '../store/settings.ts';
import { assignRole, listUsers } from '../store/users.ts';
import { PeopleScreen, SettingsScreen } from '../views/admin.tsx';
import { listPageUrl } from '../views/links.tsx';
import { uiContext } from '../views/ui-context.ts';
import { saveSettings } from './api-misc.ts';
import { actorOf, intParam } from './api-support.ts';
import { formFields, seeOther } from './ui-support.ts';

/** The query of a page of /_people past the first (a cursor already checked), or nothing. */
const peoplePage = (after: string | undefined, limit: number) => (after ? listPageUrl('', { name: 'after', value: after }, limit) : '');

export function adminRoutes(services: InstanceServices) {
  const { db, directory } = services;
  const app = new Hono<InstanceEnv>();

  app.get('/_people', async (c) => {
    // Paged like GET /api/users: the "Next" link carries `after`.
    const limit = pageSize(c.req.query('limit'));
    const after = decodeKeyCursor(c.req.query('after'), 'after', ['text', 'id']);
    const { items: people, next } = await listUsers(db, { limit, after });
    const pager = { next: next === null ? null : listPageUrl('/_people', { name: 'after', value: next }, limit), first: after ? '/_people' : undefined };
    return c.html(<PeopleScreen ui={uiContext(c, services)} people={people} pager={pager} here={peoplePage(c.req.query('after'), limit)} defaultRole={c.var.settings.defaultRole} canManage={can(c.var.role, 'manage_people')} />);
  });

  app.post('/_people/:id', async (c) => {
    requireRole(actorOf(c), 'manage_people');
    // Back to the page of the list the form was on (its action carries that page's cursor), checked first.
    const after = c.req.query('after');
    decodeKeyCursor(after, 'after', ['text', 'id']);
    const back = `/_people${peoplePage(after, pageSize(c.req.query('limit')))}`;
    const { role } = await formFields(c);
    if (role !== '' && !isRole(role)) throw new AppError('validation_failed', 'role: must be reader, editor, admin or empty for the default');
    const updated = await assignRole(db, intParam(c, 'id'), role ? role : null);
    if (!updated) throw new AppError('not_found', 'No such person.');
    directory.forgetUser(updated.sub);
    return seeOther(c, back);
  });

  app.get('/_settings', async (c) => {
    requireRole(actorOf(c), 'manage_settings');
    const usage = await services.storageUsage?.();
    return c.html(<SettingsScreen ui={uiContext(c, services)} settings={c.var.settings} languages={await searchLanguages(db)} usage={usage} saved={c.req.query('saved') === '1'} />);
  });

  app.post('/_import', async (c) => {
    requireRole(actorOf(c), 'import');
    const form = await c.req.parseBody().catch(() => {
      throw new AppError('bad_request', 'The form could not be read.');
    });
    const archive = form.archive;
    const screen = async (props: { imported?: ImportResult; error?: string; problems?: string[] }, status: 200 | 400 | 409 | 413) =>
      c.html(<SettingsScreen ui={uiContext(c, services)} settings={c.var.settings} languages={await searchLanguages(db)} usage={await services.storageUsage?.()} {...props} />, status);
    if (!(archive instanceof File) || archive.size === 0) return screen({ error: 'Choose a .zip file to import.' }, 400);
    try {
      const existing = existingPageMode(typeof form.existing === 'string' ? form.existing : undefined);
      const imported = await runImport(c, services, new Uint8Array(await archive.arrayBuffer()), existing);
      return screen({ imported }, 200);
    } catch (err) {
      // The settings page again, with what went wrong, for anything the admin can act on (a storage quota too).
      if (err instanceof AppError && ['validation_failed', 'bad_request', 'payload_too_large', 'conflict'].includes(err.code)) {
        const problems = (err.details as { problems?: string[] } | undefined)?.problems;
        const status = err.code === 'payload_too_large' ? 413 : err.code === 'conflict' ? 409 : 400;
        return screen({ error: problems ? 'Nothing was imported:' : err.message, problems }, status);
      }
      throw err;
    }
  });

  app.post('/_settings', async (c) => {
    requireRole(actorOf(c), 'manage_settings');
    const f = await formFields(c);
    try {
      await saveSettings(
        services,
        { title: f.title?.trim().slice(0, 100) ?? undefined, description: f.description?.slice(0, 2000), searchLanguage: f.searchLanguage, defaultRole: isRole(f.defaultRole) ? f.defaultRole : undefined },
        c.var.settings.searchLanguage,
      );
    } catch (err) {
      if (err instanceof AppError && err.code === 'validation_failed') {
        return c.html(<SettingsScreen ui={uiContext(c, services)} settings={c.var.settings} languages={await searchLanguages(db)} error={err.message} />, 400);
      }
      throw err;
    }
    return seeOther(c, '/_settings?saved=1');
  });

  return app;
}
