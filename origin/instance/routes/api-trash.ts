// JSON API for the trash: list, restore, purge (admins only).
import { Hono } from 'hono';
import type { InstanceEnv } from '../deps.ts';
import { decodeKeyCursor, pageSize } from '../policy/paging.ts';
import type { InstanceServices } from '../services/services.tsx';
import { requireRole } from '../services/wiki.ts';
import { listTrash } from '../store/pages.ts';
import { actorOf, intParam, pageSummary } from './api-support.ts';

export function trashApi(services: InstanceServices) {
  const { db, wiki } = services;
  const app = new Hono<InstanceEnv>();

  app.get('/api/trash', async (c) => {
    requireRole(actorOf(c), 'write');
    // Most recently deleted first; `before` is the opaque `next` of the previous page.
    const limit = pageSize(c.req.query('limit'));
    const before = decodeKeyCursor(c.req.query('before'), 'before', ['number', 'id']);
    const { items, next } = await listTrash(db, { limit, before });
    return c.json({ pages: items, next });
  });

  app.post('/api/trash/:id/restore', async (c) => {
    const row = await wiki.untrash(actorOf(c), intParam(c, 'id'), c.var.settings.searchLanguage);
    return c.json(pageSummary(row));
  });

  app.delete('/api/trash/:id', async (c) => {
    await wiki.purge(actorOf(c), intParam(c, 'id'));
    return c.body(null, 204);
  });

  return app;
}
