/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// Writing in the browser: the new-page and edit forms (with server-side preview) and moving to the trash.
import { Hono, type Context } from 'hono';
import { AppError } from '#shared/errors';
import type { InstanceEnv } from '../deps.ts';
import { wholeNumber } from '../policy/client-input.ts';
import { formProblem, PageForm, PreviewForm } from '../policy/page-input.ts';
import { childPath, normalizePagePath } from '../policy/page-path.ts';
import { fillTemplate, isoDate, isTemplatePath, MAX_TEMPLATES_OFFERED, TEMPLATES_SECTION } from '../policy/templates.ts';
import type { InstanceServices } from '../services/services.tsx';
import { renderWithLinks, requireRole } from '../services/wiki.ts';
import { findLiveByPath, livePagesBelow } from '../store/pages.ts';
import { EditorScreen, type EditorState } from '../views/editor.tsx';
import { pageUrl } from '../views/links.tsx';
import { uiContext } from '../views/ui-context.ts';
import { actorOf } from './api-support.ts';
import { formFields, pathAfter, seeOther } from './ui-support.ts';

export function editRoutes(services: InstanceServices) {
  const { db, wiki } = services;
  const app = new Hono<InstanceEnv>();
  // Drafts are kept per user and per editor (the form's action): another person signing in in the same tab never sees them.
  // A new page's form offers the templates to start from.
  const show = async (c: Context<InstanceEnv>, state: EditorState, status = 200) => {
    const templates = state.mode === 'new' ? await livePagesBelow(db, TEMPLATES_SECTION, MAX_TEMPLATES_OFFERED) : undefined;
    return c.html(<EditorScreen ui={uiContext(c, services)} state={state} templates={templates} draftOwner={String(c.var.user.id)} />, status as 200);
  };
  /** The text of the template at `path`, its placeholders filled for this person and title. */
  const templateText = async (c: Context<InstanceEnv>, path: string, title: string) => {
    const normalized = normalizePagePath(path);
    if (!normalized.ok || !isTemplatePath(normalized.path)) {
      throw new AppError('validation_failed', `template: ${path.slice(0, 100)} is not a template; templates are the pages under ${TEMPLATES_SECTION}/.`, {
        fields: [{ field: 'template', message: `must be a page under ${TEMPLATES_SECTION}/` }],
      });
    }
    const template = await findLiveByPath(db, normalized.path);
    if (!template) throw new AppError('not_found', `There is no template at ${normalized.path} (moved or trashed?).`);
    return { path: template.path, content: fillTemplate(template.content, { date: isoDate(new Date()), user: c.var.user.name || c.var.user.username, title }) };
  };
  const preview = async (content: string, path: string) => (await renderWithLinks(db, content, normalizePagePath(path).ok ? path : '/')).rendered.html;

  /** The API's limits, applied to the form: what it shows back is the refused text, with the reason. */
  const formCheck = (intent: string | undefined, state: EditorState): string | null => {
    const checked = (intent === 'preview' ? PreviewForm : PageForm).safeParse(state);
    return checked.success ? null : formProblem(checked.error);
  };

  app.get('/_new', async (c) => {
    requireRole(actorOf(c), 'write');
    const title = c.req.query('title') ?? '';
    const parent = c.req.query('parent');
    const path = c.req.query('path') ?? (parent && title ? childPath(parent, title) : parent ? `${parent === '/' ? '' : parent}/` : '');
    const chosen = c.req.query('template');
    const template = chosen === undefined || chosen === '' ? undefined : await templateText(c, chosen, title.trim());
    return show(c, { mode: 'new', title, path, content: template?.content ?? '', message: '', template: template?.path });
  });

  app.post('/_new', async (c) => {
    requireRole(actorOf(c), 'write');
    const f = await formFields(c);
    const state: EditorState = { mode: 'new', title: f.title ?? '', path: f.path ?? '', content: f.content ?? '', message: f.message ?? '' };
    const problem = formCheck(f.intent, state);
    if (problem) return show(c, { ...state, error: problem }, 400);
    if (f.intent === 'preview') return show(c, { ...state, previewHtml: await preview(state.content, state.path) });
    try {
      const row = await wiki.create(actorOf(c), { title: state.title.trim(), path: state.path.trim() || undefined, content: state.content, message: state.message }, c.var.settings.searchLanguage);
      return seeOther(c, pageUrl(row.path));
    } catch (err) {
      if (err instanceof AppError && (err.code === 'conflict' || err.code === 'validation_failed')) return show(c, { ...state, error: err.message }, err.status);
      throw err;
    }
  });

  app.get('/_edit/*', async (c) => {
    requireRole(actorOf(c), 'write');
    const page = await findLiveByPath(db, pathAfter(c, '/_edit'));
    if (!page) throw new AppError('not_found', 'There is no page here to edit.');
    return show(c, { mode: 'edit', originalPath: page.path, title: page.title, path: page.path, content: page.content, message: '', revision: page.revision });
  });

  app.post('/_edit/*', async (c) => {
    requireRole(actorOf(c), 'write');
    const page = await findLiveByPath(db, pathAfter(c, '/_edit'));
    if (!page) throw new AppError('not_found', 'This page no longer exists (moved or trashed?).');
    const f = await formFields(c);
    // The revision the edit started from is what turns a stale save into a conflict; without it, the
    // save would silently overwrite whatever was saved meanwhile.
    const revision = wholeNumber(f.revision);
    if (!revision) {
      throw new AppError('validation_failed', 'revision: the form must say which revision your edit started from; open the editor again.', {
        fields: [{ field: 'revision', message: 'must be a revision number' }],
      });
    }
    const state: EditorState = {
      mode: 'edit', originalPath: page.path, title: f.title ?? page.title, path: f.path ?? page.path,
      content: f.content ?? '', message: f.message ?? '', revision,
    };
    const problem = formCheck(f.intent, state);
    if (problem) return show(c, { ...state, error: problem }, 400);
    if (f.intent === 'preview') return show(c, { ...state, previewHtml: await preview(state.content, state.path) });
    try {
      const row = await wiki.update(
        actorOf(c), page.id,
        { revision, title: state.title.trim(), content: state.content, path: state.path.trim() || page.path, message: state.message },
        c.var.settings.searchLanguage,
      );
      return seeOther(c, pageUrl(row.path));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const current = (err.details as { current?: { revision: number; content: string; title: string } } | undefined)?.current;
      // On a conflict the form now carries the current revision, so saving again is a deliberate overwrite of what was shown.
      if (err.code === 'conflict' && current) return show(c, { ...state, revision: current.revision, conflict: current, error: err.message }, 409);
      if (err.code === 'conflict' || err.code === 'validation_failed') return show(c, { ...state, error: err.message }, err.status);
      throw err;
    }
  });

  app.post('/_delete/*', async (c) => {
    const page = await findLiveByPath(db, pathAfter(c, '/_delete'));
    if (!page) throw new AppError('not_found', 'No such page.');
    await wiki.trash(actorOf(c), page.id, c.var.settings.searchLanguage);
    return seeOther(c, '/_trash');
  });

  return app;
}
