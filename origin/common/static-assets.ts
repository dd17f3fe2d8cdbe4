// Scripts and styles are served as files (the CSP allows no inline code), loaded once at start and
// addressed by content hash so browsers may cache them forever.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Hono } from 'hono';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface StaticAssets {
  /** URL of an asset, with its content hash as the cache key. */
  url(name: string): string;
  routes(): Hono;
}

export function loadStaticAssets(prefix: string, files: Record<string, string>): StaticAssets {
  const assets = new Map<string, { body: string; type: string; hash: string }>();
  for (const [name, path] of Object.entries(files)) {
    const body = readFileSync(path, 'utf8');
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
    assets.set(name, { body, type: TYPES[extname(name)] ?? 'application/octet-stream', hash });
  }
  return {
    url(name) {
      const asset = assets.get(name);
      if (!asset) throw new TypeError(`unknown static asset ${name}`);
      return `${prefix}/${name}?v=${asset.hash}`;
    },
    routes() {
      const app = new Hono();
      app.get(`${prefix}/:name`, (c) => {
        const asset = assets.get(c.req.param('name'));
        if (!asset) return c.notFound();
        const versioned = c.req.query('v') === asset.hash;
        return c.body(asset.body, 200, {
          'content-type': asset.type,
          'cache-control': versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
        });
      });
      return app;
    },
  };
}
