// POST /api/import: pages from a zip of Markdown (services/wiki-import.ts), for the instance's admins.
// The body is the archive itself (application/zip); the settings page posts the same through /_import.
import { Hono } from 'hono';
import { AppError } from '#shared/errors';
import type { InstanceEnv } from '../deps.ts';
import type { InstanceServices } from '../services/services.tsx';
import { requireRole } from '../services/wiki.ts';
import { importWiki } from '../services/wiki-import.ts';
import { actorOf } from './api-support.ts';

const ZIP_TYPES = new Set(['application/zip', 'application/x-zip-compressed', 'application/octet-stream']);

export function importApi(services: InstanceServices) {
  const app = new Hono<InstanceEnv>();

  app.post('/api/import', async (c) => {
    requireRole(actorOf(c), 'import');
    const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (!type || !ZIP_TYPES.has(type)) throw new AppError('unsupported_media_type', 'Send the archive itself as the body, with Content-Type: application/zip.');
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const result = await importWiki(services.wiki, actorOf(c), bytes, c.var.settings.searchLanguage);
    services.logger.info({ rid: c.var.requestId, created: result.created.length, existing: result.existing.length }, 'pages imported');
    return c.json(result, result.created.length > 0 ? 201 : 200);
  });

  return app;
}
