/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The per-app services the routes share, built once by createInstanceApp.
import { fileURLToPath } from 'node:url';
import type { Sql } from 'postgres';
import { loadStaticAssets, type StaticAssets } from '../../common/static-assets.ts';
import type { Logger } from '../../common/logger.ts';
import type { InstanceDb, InstanceDeps, MediaFiles, MediaImports, StorageUsage } from '../deps.ts';
import type { Metrics } from '../../common/metrics.ts';
import { createDirectory, type Directory } from './identify.ts';
import { branchFor, buildTree, type TreeNode } from '../policy/tree.ts';
import { PageTree } from '../views/tree.tsx';
import { TtlCache } from './ttl-cache.ts';
import { listLivePages } from '../store/pages.ts';
import { readBacklinks, readPage, type PageView } from '../store/page-view.ts';
import { createWiki, type Wiki } from './wiki.ts';
import { createWikiMetrics } from './wiki-metrics.ts';

export interface InstanceServices {
  instanceId: string;
  publicUrlPattern: string;
  /** The editor offers uploads (media storage is configured). */
  uploads: boolean;
  /** Uploaded files against the quota, when media storage is configured. */
  storageUsage?: () => Promise<StorageUsage>;
  /** Uploaded files' records and bytes, for a wiki export, when media storage is configured. */
  mediaFiles?: MediaFiles;
  /** Stores the files a wiki import's pages link to, when media storage is configured. */
  mediaImports?: MediaImports;
  logger: Logger;
  db: InstanceDb;
  /** The same pool without drizzle, for the hot read path. */
  sql: Sql;
  directory: Directory;
  wiki: Wiki;
  /** The page tree for the sidebar, cached until the next change. */
  tree(): Promise<TreeNode[]>;
  /** How many live pages there are, the home page included; read with the tree and cached with it. */
  livePageCount(): Promise<number>;
  /** The sidebar's rendered HTML (UTF-8) for one page, cached like the tree (it is the same for every reader). */
  sidebar(path: string): Buffer | Promise<Buffer>;
  /**
   * A live page as the browser view shows it: the page row is read on every call (content is never
   * stale); its backlinks are cached like the tree, dropped on every change in this process.
   */
  pageView(path: string): Promise<PageView | undefined>;
  assets: StaticAssets;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export function createServices(deps: InstanceDeps, metrics: Metrics): InstanceServices {
  const wikiMetrics = createWikiMetrics(metrics.registry, deps.database.db);
  // One process serves one instance, so dropping the caches on each change keeps them exact; the TTL covers
  // changes made by another process (a second replica, an ops script). `generation` counts changes: a
  // value read before a change is not stored after it (a view racing a save must not cache the old state).
  let tree: { built: Promise<{ nodes: TreeNode[]; count: number }>; expires: number } | undefined;
  const TREE_TTL_MS = 10_000;
  const sidebars = new TtlCache<string, Buffer>(TREE_TTL_MS, 2_000);
  const backlinks = new TtlCache<number, PageView['backlinks']>(TREE_TTL_MS, 10_000);
  let generation = 0;
  const forgetTree = () => {
    generation++;
    tree = undefined;
    sidebars.clear();
    backlinks.clear();
  };
  const sql = deps.database.sql;
  const liveTree = () => {
    if (!tree || tree.expires < Date.now()) {
      const built = listLivePages(deps.database.db).then((rows) => ({ nodes: buildTree(rows), count: rows.length }));
      tree = { built, expires: Date.now() + TREE_TTL_MS };
      built.catch(() => (tree = undefined));
    }
    return tree.built;
  };
  const treeNodes = async () => (await liveTree()).nodes;
  const renderSidebar = async (path: string) => {
    const before = generation;
    const html = Buffer.from(String(await (<PageTree nodes={branchFor(await treeNodes(), path)} current={path} />)));
    if (generation === before) sidebars.set(path, html);
    return html;
  };
  return {
    sidebar(path) {
      return sidebars.get(path) ?? renderSidebar(path);
    },
    async pageView(path) {
      const before = generation;
      const page = await readPage(sql, path);
      if (!page) return undefined;
      let links = backlinks.get(page.id);
      if (!links) {
        links = await readBacklinks(sql, page.id);
        if (generation === before) backlinks.set(page.id, links);
      }
      // The row is this call's own object: completed in place rather than copied.
      const view = page as PageView;
      view.backlinks = links;
      return view;
    },
    tree: treeNodes,
    livePageCount: async () => (await liveTree()).count,
    instanceId: deps.instanceId,
    publicUrlPattern: deps.publicUrlPattern,
    uploads: deps.media !== undefined,
    storageUsage: deps.media?.usage,
    mediaFiles: deps.media?.files,
    mediaImports: deps.media?.imports,
    logger: deps.logger,
    db: deps.database.db,
    sql,
    directory: createDirectory(deps.database.db),
    wiki: createWiki(deps.database.db, { onSave: wikiMetrics.onSave, onChange: forgetTree }),
    assets: loadStaticAssets('/_static', {
      'app.css': here('../static/app.css'),
      'app.js': here('../static/app.js'),
      'editor-draft.js': here('../static/editor-draft.js'),
      'media-upload.js': here('../media/upload-client.js'),
      'hljs.css': fileURLToPath(import.meta.resolve('highlight.js/styles/github.css')),
    }),
  };
}
