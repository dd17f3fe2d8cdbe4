/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The per-app services the routes share, built once by createInstanceApp.
import { fileURLToPath } from 'node:url';
import type { Sql } from 'postgres';
import { loadStaticAssets, type StaticAssets } from '../../common/static-assets.ts';
import type { InstanceDb, InstanceDeps, StorageUsage } from '../deps.ts';
import type { Metrics } from '../../common/metrics.ts';
import { createDirectory, type Directory } from './identify.ts';
import { branchFor, buildTree, type TreeNode } from '../policy/tree.ts';
import { PageTree } from '../views/tree.tsx';
import { TtlCache } from './ttl-cache.ts';
import { listLivePages } from '../store/pages.ts';
import { createWiki, type Wiki } from './wiki.ts';
import { createWikiMetrics } from './wiki-metrics.ts';

export interface InstanceServices {
  instanceId: string;
  publicUrlPattern: string;
  /** The editor offers uploads (media storage is configured). */
  uploads: boolean;
  /** Uploaded files against the quota, when media storage is configured. */
  storageUsage?: () => Promise<StorageUsage>;
  db: InstanceDb;
  /** The same pool without drizzle, for the hot read path. */
  sql: Sql;
  directory: Directory;
  wiki: Wiki;
  /** The page tree for the sidebar, cached until the next change. */
  tree(): Promise<TreeNode[]>;
  /** The sidebar's rendered HTML for one page, cached like the tree (it is the same for every reader). */
  sidebarHtml(path: string): Promise<string>;
  assets: StaticAssets;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export function createServices(deps: InstanceDeps, metrics: Metrics): InstanceServices {
  const wikiMetrics = createWikiMetrics(metrics.registry, deps.database.db);
  // One process serves one instance, so dropping the cache on each change keeps it exact; the TTL covers
  // changes made by another process (a second replica, an ops script).
  let tree: { nodes: Promise<TreeNode[]>; expires: number } | undefined;
  const TREE_TTL_MS = 10_000;
  const sidebars = new TtlCache<string, string>(TREE_TTL_MS, 2_000);
  const forgetTree = () => {
    tree = undefined;
    sidebars.clear();
  };
  return {
    async sidebarHtml(path) {
      const cached = sidebars.get(path);
      if (cached !== undefined) return cached;
      const html = String(await (<PageTree nodes={branchFor(await this.tree(), path)} current={path} />));
      sidebars.set(path, html);
      return html;
    },
    tree() {
      if (!tree || tree.expires < Date.now()) {
        const nodes = listLivePages(deps.database.db).then((rows) => buildTree(rows));
        tree = { nodes, expires: Date.now() + TREE_TTL_MS };
        nodes.catch(() => (tree = undefined));
      }
      return tree.nodes;
    },
    instanceId: deps.instanceId,
    publicUrlPattern: deps.publicUrlPattern,
    uploads: deps.media !== undefined,
    storageUsage: deps.media?.usage,
    db: deps.database.db,
    sql: deps.database.sql,
    directory: createDirectory(deps.database.db),
    wiki: createWiki(deps.database.db, { onSave: wikiMetrics.onSave, onChange: forgetTree }),
    assets: loadStaticAssets('/_static', {
      'app.css': here('../static/app.css'),
      'app.js': here('../static/app.js'),
      'media-upload.js': here('../media/upload-client.js'),
      'hljs.css': fileURLToPath(import.meta.resolve('highlight.js/styles/github.css')),
    }),
  };
}
