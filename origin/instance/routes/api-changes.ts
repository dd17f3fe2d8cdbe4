// JSON API for recent changes across the wiki (documented in openapi.ts).
import { Hono } from 'hono';
import type { InstanceEnv } from '../deps.ts';
import { changesQuery } from '../policy/recent-changes.ts';
import { can } from '../policy/roles.ts';
import type { InstanceServices } from '../services/services.tsx';
import { listChanges } from '../store/changes.ts';
import { changeLinks } from '../views/links.tsx';

export function changesApi(services: InstanceServices) {
  const { db } = services;
  const app = new Hono<InstanceEnv>();

  app.get('/api/changes', async (c) => {
    // Newest first; `before` is the opaque `next` of the previous page. Readers do not see what is in the trash.
    const { limit, before, path } = changesQuery(c.req.query());
    const { items, next } = await listChanges(db, { limit, before, prefix: path, includeTrashed: can(c.var.role, 'write') });
    return c.json({ changes: items.map((item) => ({ ...item, links: changeLinks(item) })), next });
  });

  return app;
}
