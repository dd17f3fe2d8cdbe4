/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The uploaded files in the browser: the list and each file's page with the pages that use it (anyone who
// reads the wiki), and deleting (the media policy).
import { Hono } from 'hono';
import { AppError } from '#shared/errors';
import type { InstanceEnv, MediaFiles } from '../deps.ts';
import { numberQuery, PAGE_SIZE_DEFAULT, pageOf, pageSize } from '../policy/paging.ts';
import { mayDeleteMedia, maySeeStorageUsage } from '../policy/roles.ts';
import type { InstanceServices } from '../services/services.tsx';
import { requireRole } from '../services/wiki.ts';
import { markdownReference } from '../media/markdown-reference.ts';
import { NO_USE, USING_PAGES_LISTED, usageOfFiles } from '../store/media-refs.ts';
import { FileScreen, FilesScreen, USING_PAGES_IN_LIST } from '../views/files.tsx';
import { listPageUrl } from '../views/links.tsx';
import { uiContext } from '../views/ui-context.ts';
import { actorOf, intParam } from './api-support.ts';
import { seeOther } from './ui-support.ts';

/**
 * `before` as GET /api/media takes it: the id the previous page ended with (the media list orders by id,
 * one column, so its cursor is that id, as the history's is a revision number). Anything else is a 400.
 */
const beforeId = (raw: string | undefined) => numberQuery(raw, 'before') || undefined;

/** The query of this page of /_files (a cursor already checked, the page size when not the default), or nothing. */
function filesPage(before: number | undefined, limit: number): string {
  if (before) return listPageUrl('', { name: 'before', value: before }, limit);
  return limit === PAGE_SIZE_DEFAULT ? '' : `?${new URLSearchParams({ limit: String(limit) })}`;
}

export function filesRoutes(services: InstanceServices) {
  const app = new Hono<InstanceEnv>();
  const filesOf = (): MediaFiles => {
    if (!services.mediaFiles) throw new AppError('not_found', 'This wiki has no file storage.');
    return services.mediaFiles;
  };

  app.get('/_files', async (c) => {
    const files = filesOf();
    requireRole(actorOf(c), 'read');
    const actor = { id: c.var.user.id, role: c.var.role };
    const limit = pageSize(c.req.query('limit'));
    const before = beforeId(c.req.query('before'));
    const [rows, usage] = await Promise.all([
      files.list({ limit: limit + 1, before }),
      maySeeStorageUsage(actor.role) ? services.storageUsage?.() : undefined,
    ]);
    const { items, next } = pageOf(rows, limit, (last) => last.id);
    const pager = { next: next === null ? null : listPageUrl('/_files', { name: 'before', value: next }, limit), first: before ? '/_files' : undefined };
    const uses = await usageOfFiles(services.db, items.map((row) => row.key), USING_PAGES_IN_LIST);
    const listed = items.map((row) => ({ ...row, canDelete: mayDeleteMedia(actor, row.uploadedBy), usage: uses.get(row.key) ?? NO_USE }));
    return c.html(<FilesScreen ui={uiContext(c, services)} files={listed} pager={pager} here={filesPage(before, limit)} usage={usage} />);
  });

  app.get('/_files/:id{[0-9]+}', async (c) => {
    const files = filesOf();
    requireRole(actorOf(c), 'read');
    const file = await files.find(intParam(c, 'id', 'No such file.'));
    if (!file) throw new AppError('not_found', 'No such file.');
    const usage = (await usageOfFiles(services.db, [file.key], USING_PAGES_LISTED)).get(file.key) ?? NO_USE;
    const canDelete = mayDeleteMedia({ id: c.var.user.id, role: c.var.role }, file.uploadedBy);
    const markdown = markdownReference(file.key, file.filename, file.contentType);
    return c.html(<FileScreen ui={uiContext(c, services)} file={file} usage={usage} listed={USING_PAGES_LISTED} canDelete={canDelete} markdown={markdown} />);
  });

  app.post('/_files/:id/delete', async (c) => {
    const files = filesOf();
    // Back to the page of the list the form was on (its action carries that page's cursor), checked first.
    const back = `/_files${filesPage(beforeId(c.req.query('before')), pageSize(c.req.query('limit')))}`;
    const row = await files.delete({ id: c.var.user.id, role: c.var.role }, intParam(c, 'id', 'No such file.'));
    c.var.log.info({ key: row.key, mediaId: row.id }, 'media deleted');
    return seeOther(c, back);
  });

  return app;
}
