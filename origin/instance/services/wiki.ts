// Page operations, each one transaction: render with resolved links, write the page and its revision,
// record its links and the files it uses, and re-render the pages whose links changed meaning. Role
// checks live here so the API and the HTML forms cannot disagree.
import { AppError } from '#shared/errors';
import type { Executor, InstanceDb } from '../deps.ts';
import { normalizePagePath } from '../policy/page-path.ts';
import { parsePage, renderParsed, type RenderedPage } from '../policy/render/markdown.ts';
import { titleKey, type LinkRef, type Resolution } from '../policy/render/link-refs.ts';
import { can, type Action, type Role } from '../policy/roles.ts';
import { addAlias, linkersOf, replaceLinks, resolveRefs } from '../store/links.ts';
import { replaceMediaRefs } from '../store/media-refs.ts';
import {
  deleteTrashed, findLiveByPath, findPage, insertPage, markRestored, markTrashed, updatePageIfAt, updateRendering, type PageRow,
} from '../store/pages.ts';
import { recordTrashEvent } from '../store/changes.ts';
import { findRevision, insertRevision } from '../store/revisions.ts';

export interface Actor {
  /** Null for the platform itself (e.g. the welcome page written at first start). */
  id: number | null;
  role: Role;
}

export interface CreateInput {
  path?: string;
  title: string;
  content: string;
  message?: string;
}

export interface UpdateInput {
  /** The revision the edit started from. */
  revision: number;
  title?: string;
  content?: string;
  path?: string;
  message?: string;
}

export type SaveOutcome = 'created' | 'updated' | 'conflict' | 'restored';

const ACTION_WORDS: Record<Action, string> = {
  read: 'read pages',
  write: 'edit pages',
  purge: 'purge pages from the trash',
  manage_people: 'change roles',
  manage_settings: 'change settings',
  export: 'export the wiki',
  import: 'import pages',
};

export function requireRole(actor: Actor, action: Action): void {
  if (!can(actor.role, action)) throw new AppError('forbidden', `Your role (${actor.role}) cannot ${ACTION_WORDS[action]} in this wiki.`);
}

export function checkedPath(input: string): string {
  const result = normalizePagePath(input);
  if (!result.ok) throw new AppError('validation_failed', `path: ${result.reason}`, { fields: [{ field: 'path', message: result.reason }] });
  return result.path;
}

export function conflictError(current: PageRow): AppError {
  return new AppError('conflict', `This page changed since you started editing: it is now at revision ${current.revision}.`, {
    currentRevision: current.revision,
    current: { id: current.id, path: current.path, title: current.title, revision: current.revision, content: current.content },
  });
}

/** The Postgres error code of `err` or of the error it wraps (drizzle wraps the driver's). */
function pgCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

const isUniqueViolation = (err: unknown) => pgCode(err) === '23505';

/**
 * Deadlock and serialization failures: Postgres rolled the whole transaction back, so running it again is
 * safe. Saves lock pages in different orders: renaming two pages that link to each other, each holds its
 * own page and then locks the other to re-render it.
 */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 3;

function pathTaken(path: string): AppError {
  return new AppError('conflict', `Another page already lives at ${path}.`, { field: 'path' });
}

/** Parses, resolves links against the database (inside the caller's transaction) and renders. */
export async function renderWithLinks(db: Executor, content: string, path: string): Promise<{ rendered: RenderedPage; resolution: Resolution }> {
  const parsed = parsePage(content, path);
  const resolution = await resolveRefs(db, parsed.refs);
  return { rendered: renderParsed(parsed, resolution), resolution };
}

export interface WikiHooks {
  /** Every save attempt's outcome (metrics). */
  onSave?: (outcome: SaveOutcome) => void;
  /** Any change to which pages exist or where (navigation caches). */
  onChange?: () => void;
}

export function createWiki(db: InstanceDb, hooks: WikiHooks = {}) {
  const onSave = (outcome: SaveOutcome) => {
    hooks.onSave?.(outcome);
    if (outcome !== 'conflict') hooks.onChange?.();
  };
  const changed = <T>(value: T): T => {
    hooks.onChange?.();
    return value;
  };
  async function transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction(work);
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS || !RETRYABLE.has(pgCode(err) ?? '')) throw err;
      }
    }
  }

  async function rerenderLinkers(tx: Executor, targetIds: number[], refs: LinkRef[], language: string, skip: number) {
    // In id order, so two saves re-rendering the same pages lock them in the same order.
    for (const id of (await linkersOf(tx, targetIds, refs)).sort((a, b) => a - b)) {
      if (id === skip) continue;
      // Locked: an edit of this page committing between this read and the write below would otherwise
      // be rendered over with the text it replaced.
      const page = await findPage(tx, id, { lock: true });
      if (!page) continue;
      const { rendered, resolution } = await renderWithLinks(tx, page.content, page.path);
      const written = await updateRendering(tx, id, page.revision, { path: page.path, title: page.title, content: page.content, rendered, authorId: null, language });
      if (written) await replaceLinks(tx, id, rendered.refs, resolution);
    }
  }

  const refsOf = (page: { path: string; title: string }): LinkRef[] => [
    { kind: 'path', key: page.path },
    { kind: 'title', key: titleKey(page.title) },
  ];

  /** `restoredFrom`: the old revision this update brings back (restoreRevision), recorded on the new one. */
  async function applyUpdate(tx: Executor, actor: Actor, current: PageRow, input: UpdateInput, language: string, defaultMessage: string, restoredFrom?: number) {
    if (current.revision !== input.revision) throw conflictError(current);
    const path = input.path !== undefined ? checkedPath(input.path) : current.path;
    const title = input.title ?? current.title;
    const content = input.content ?? current.content;
    if (path === current.path && title === current.title && content === current.content) return current;
    const { rendered, resolution } = await renderWithLinks(tx, content, path);
    let row: PageRow | undefined;
    try {
      row = await updatePageIfAt(tx, current.id, input.revision, { path, title, content, rendered, authorId: actor.id, language });
    } catch (err) {
      if (isUniqueViolation(err)) throw pathTaken(path);
      throw err;
    }
    if (!row) {
      const now = await findPage(tx, current.id);
      if (!now || now.deletedAt) throw new AppError('not_found', 'No such page.');
      throw conflictError(now);
    }
    await insertRevision(tx, { pageId: row.id, revision: row.revision, path, title, content, message: input.message?.trim() || defaultMessage, authorId: actor.id, restoredFrom });
    await replaceLinks(tx, row.id, rendered.refs, resolution);
    // The files a page uses depend on its text alone (they are not pages: a move or rename changes none).
    if (content !== current.content) await replaceMediaRefs(tx, row.id, rendered.mediaKeys);
    const moved = path !== current.path;
    const renamed = titleKey(title) !== titleKey(current.title);
    if (moved) await addAlias(tx, 'path', current.path, row.id);
    if (renamed) await addAlias(tx, 'title', titleKey(current.title), row.id);
    if (moved || renamed) await rerenderLinkers(tx, [row.id], refsOf(row), language, row.id);
    return row;
  }

  async function livePage(tx: Executor, id: number, lock = false): Promise<PageRow> {
    const page = await findPage(tx, id, { lock });
    if (!page || page.deletedAt) throw new AppError('not_found', 'No such page.');
    return page;
  }

  async function insertNew(tx: Executor, actor: Actor, path: string, input: CreateInput, language: string): Promise<PageRow> {
    const { rendered, resolution } = await renderWithLinks(tx, input.content, path);
    const page = await insertPage(tx, { path, title: input.title, content: input.content, rendered, authorId: actor.id, language });
    await insertRevision(tx, { pageId: page.id, revision: 1, path, title: input.title, content: input.content, message: input.message?.trim() || 'Created', authorId: actor.id });
    await replaceLinks(tx, page.id, rendered.refs, resolution);
    await replaceMediaRefs(tx, page.id, rendered.mediaKeys);
    // Links that led nowhere until now point at the new page.
    await rerenderLinkers(tx, [], refsOf(page), language, page.id);
    return page;
  }

  return {
    async create(actor: Actor, input: CreateInput, language: string): Promise<PageRow> {
      requireRole(actor, 'write');
      const path = checkedPath(input.path ?? input.title);
      const row = await transaction((tx) => insertNew(tx, actor, path, input, language)).catch((err) => {
        throw isUniqueViolation(err) ? pathTaken(path) : err;
      });
      onSave('created');
      return row;
    },

    /**
     * Writes every page of an import in one transaction: all of them or, on any failure, none. A path that
     * already has a live page is left alone and reported (`existing`) or, with `updateExisting`, given the
     * imported title and text as a new revision (`updated`; `unchanged` when they are the same already).
     * `alsoWrite` runs in the same transaction, after the pages (an import's files are recorded there).
     */
    async importPages(
      actor: Actor,
      input: readonly (CreateInput & { path: string })[],
      message: string,
      language: string,
      options: { updateExisting?: boolean; alsoWrite?: (tx: Executor) => Promise<void> } = {},
    ) {
      requireRole(actor, 'import');
      const result = await transaction(async (tx) => {
        const created: { id: number; path: string }[] = [];
        const updated: { id: number; path: string }[] = [];
        const unchanged: string[] = [];
        const existing: string[] = [];
        try {
          for (const page of input) {
            const path = checkedPath(page.path);
            const current = await findLiveByPath(tx, path);
            if (!current) created.push(await insertNew(tx, actor, path, { ...page, message }, language));
            else if (!options.updateExisting) existing.push(path);
            else if (current.title === page.title && current.content === page.content) unchanged.push(path);
            else updated.push(await applyUpdate(tx, actor, current, { revision: current.revision, title: page.title, content: page.content, message }, language, message));
          }
        } catch (err) {
          // Another save took one of the paths, or edited (or trashed: applyUpdate's not_found) a page being
          // updated, while the import ran: nothing is written; importing again starts from the wiki as it is.
          if (isUniqueViolation(err) || (err instanceof AppError && (err.code === 'conflict' || err.code === 'not_found'))) {
            throw new AppError('conflict', 'A page at one of the imported paths was created or edited during the import. Nothing was imported; try again.');
          }
          throw err;
        }
        await options.alsoWrite?.(tx);
        const summary = ({ id, path }: { id: number; path: string }) => ({ id, path });
        return { created: created.map(summary), updated: updated.map(summary), unchanged, existing };
      });
      if (result.created.length > 0 || result.updated.length > 0) changed(undefined);
      return result;
    },

    async update(actor: Actor, id: number, input: UpdateInput, language: string): Promise<PageRow> {
      requireRole(actor, 'write');
      try {
        const row = await transaction(async (tx) => applyUpdate(tx, actor, await livePage(tx, id), input, language, 'Edited'));
        onSave('updated');
        return row;
      } catch (err) {
        if (err instanceof AppError && err.code === 'conflict' && (err.details as { currentRevision?: number })?.currentRevision) onSave('conflict');
        throw err;
      }
    },

    /** Brings back an old revision's title and content as a new revision (history is never rewritten). */
    async restoreRevision(actor: Actor, id: number, revision: number, language: string): Promise<PageRow> {
      requireRole(actor, 'write');
      const row = await transaction(async (tx) => {
        const current = await livePage(tx, id, true);
        const old = await findRevision(tx, id, revision);
        if (!old) throw new AppError('not_found', `This page has no revision ${revision}.`);
        return applyUpdate(tx, actor, current, { revision: current.revision, title: old.title, content: old.content }, language, `Restored revision ${revision}`, revision);
      });
      onSave('restored');
      return row;
    },

    async trash(actor: Actor, id: number, language: string): Promise<PageRow> {
      requireRole(actor, 'write');
      const row = await transaction(async (tx) => {
        const trashed = await markTrashed(tx, id, actor.id);
        if (!trashed) throw new AppError('not_found', 'No such page (or it is already in the trash).');
        await recordTrashEvent(tx, { pageId: id, kind: 'trashed', revision: trashed.revision, actorId: actor.id });
        await rerenderLinkers(tx, [id], [], language, id);
        return trashed;
      });
      return changed(row);
    },

    async untrash(actor: Actor, id: number, language: string): Promise<PageRow> {
      requireRole(actor, 'write');
      const restored = await transaction(async (tx) => {
        const row = await markRestored(tx, id);
        if (!row) throw new AppError('not_found', 'No such page in the trash.');
        await recordTrashEvent(tx, { pageId: id, kind: 'untrashed', revision: row.revision, actorId: actor.id });
        await rerenderLinkers(tx, [id], refsOf(row), language, id);
        return row;
      }).catch(async (err) => {
        if (!isUniqueViolation(err)) throw err;
        const page = await findPage(db, id);
        throw new AppError('conflict', `Another page now lives at ${page?.path ?? 'its path'}; move that page first.`);
      });
      return changed(restored);
    },

    async purge(actor: Actor, id: number): Promise<void> {
      requireRole(actor, 'purge');
      const deleted = await deleteTrashed(db, id);
      if (!deleted) throw new AppError('not_found', 'No such page in the trash (only trashed pages can be purged).');
      changed(undefined);
    },
  };
}

export type Wiki = ReturnType<typeof createWiki>;
