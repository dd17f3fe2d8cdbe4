// GET /api/export: the whole wiki as a zip (services/wiki-export.ts), for the instance's admins. The
// settings page links here; an API client with an admin's bearer token can fetch it the same way.
import { Hono } from 'hono';
import { AppError } from '#shared/errors';
import type { InstanceEnv } from '../deps.ts';
import { archiveName } from '../policy/export-layout.ts';
import type { InstanceServices } from '../services/services.tsx';
import { requireRole } from '../services/wiki.ts';
import { wikiExport } from '../services/wiki-export.ts';
import { actorOf } from './api-support.ts';

/** `media=0` leaves the uploaded files out (a small archive of the text); anything but 0/1 is a mistake. */
function withMedia(raw: string | undefined): boolean {
  if (raw === undefined || raw === '1') return true;
  if (raw === '0') return false;
  throw new AppError('validation_failed', 'media: must be 1 (include uploaded files, the default) or 0 (pages only)', {
    fields: [{ field: 'media', message: 'must be 0 or 1' }],
  });
}

export function exportApi(services: InstanceServices) {
  const app = new Hono<InstanceEnv>();
  // One export at a time per instance process: each reads every page and streams every file.
  let running = false;

  app.get('/api/export', (c) => {
    requireRole(actorOf(c), 'export');
    // A page of another site (or another of our instances) could start downloads in an admin's browser
    // over and over; a link on this wiki's own settings page is same-origin.
    const site = c.req.header('sec-fetch-site');
    if (site === 'cross-site' || site === 'same-site') throw new AppError('forbidden', 'Exports are started from this wiki\'s own pages.');
    // Nor from inside a page: an <img src="/api/export"> an editor wrote would start one in every admin's
    // browser that shows it. A download link is a navigation (document); code fetches (empty).
    const dest = c.req.header('sec-fetch-dest');
    if (dest !== undefined && dest !== 'document' && dest !== 'empty') throw new AppError('forbidden', 'Exports are downloads: open the link, do not embed it.');
    const media = withMedia(c.req.query('media')) && services.mediaFiles !== undefined;
    if (running) throw new AppError('rate_limited', 'An export of this wiki is already being written. Try again when it has finished.');
    running = true;

    const now = new Date();
    const { settings } = c.var;
    const started = performance.now();
    const exported = wikiExport({
      instanceId: services.instanceId,
      title: settings.title || services.instanceId,
      description: settings.description,
      db: services.db,
      files: media ? services.mediaFiles : undefined,
      now,
    });
    const rid = c.var.requestId;
    exported.done.then(
      (summary) => services.logger.info({ rid, ...summary, media, ms: Math.round(performance.now() - started) }, 'wiki exported'),
      (err: unknown) => services.logger.warn({ rid, err, media }, 'wiki export ended before it was complete'),
    ).finally(() => {
      running = false;
    });
    return c.body(exported.body, 200, {
      'content-type': 'application/zip',
      'content-disposition': `attachment; filename="${archiveName(services.instanceId, now)}"`,
      'cache-control': 'no-store',
    });
  });

  return app;
}
