// POST /api/import[?existing=update]: pages (and the files they link to) from a zip of Markdown
// (services/wiki-import.ts), for the instance's admins. The body is the archive itself (application/zip); the settings page posts
// the same through /_import, and both run it with runImport.
import { Hono, type Context } from 'hono';
import { AppError } from '#shared/errors';
import { isPlatformAdmin } from '#shared/plan-matrix';
import type { InstanceEnv } from '../deps.ts';
import type { InstanceServices } from '../services/services.tsx';
import { requireRole } from '../services/wiki.ts';
import { EXISTING_PAGE_MODES, importWiki, type ExistingPageMode, type ImportResult } from '../services/wiki-import.ts';
import { actorOf } from './api-support.ts';

const ZIP_TYPES = new Set(['application/zip', 'application/x-zip-compressed', 'application/octet-stream']);

/** `existing` as the API's query or the form's field gives it: absent is `skip`, anything else named is a 400. */
export function existingPageMode(raw: string | undefined): ExistingPageMode {
  if (raw === undefined || raw === '') return 'skip';
  if ((EXISTING_PAGE_MODES as readonly string[]).includes(raw)) return raw as ExistingPageMode;
  throw new AppError('bad_request', `existing: must be ${EXISTING_PAGE_MODES.join(' or ')}.`, { field: 'existing' });
}

/** Imports an archive as the requesting user, with their upload cap for the linked files; logs the outcome. */
export async function runImport(c: Context<InstanceEnv>, services: InstanceServices, bytes: Uint8Array, existing: ExistingPageMode): Promise<ImportResult> {
  const actor = { id: c.var.user.id, role: c.var.role };
  requireRole(actor, 'import');
  const { assertion } = c.var;
  const media = services.mediaImports;
  const result = await importWiki(
    { wiki: services.wiki, db: services.db, media, actor, uploadCap: media?.uploadCap(assertion.plan, isPlatformAdmin(assertion)) ?? null, language: c.var.settings.searchLanguage, existing },
    bytes,
  );
  services.logger.info(
    { rid: c.var.requestId, created: result.created.length, updated: result.updated.length, unchanged: result.unchanged.length, existing: result.existing.length, files: result.files.imported.length, filesSkipped: result.files.skipped.length },
    'pages imported',
  );
  return result;
}

export function importApi(services: InstanceServices) {
  const app = new Hono<InstanceEnv>();

  app.post('/api/import', async (c) => {
    requireRole(actorOf(c), 'import');
    const existing = existingPageMode(c.req.query('existing'));
    const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (!type || !ZIP_TYPES.has(type)) throw new AppError('unsupported_media_type', 'Send the archive itself as the body, with Content-Type: application/zip.');
    const result = await runImport(c, services, new Uint8Array(await c.req.arrayBuffer()), existing);
    return c.json(result, result.created.length > 0 ? 201 : 200);
  });

  return app;
}
