/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The Markdown editor for new and existing pages. Works without JavaScript: "Preview" is a submit
// button that renders the text server-side; app.js only makes the preview live, and editor-draft.js
// keeps unsaved text through a reload or a crash of the tab.
import { raw } from 'hono/html';
import { Layout } from './layout.tsx';
import { TEMPLATES_SECTION } from '../policy/templates.ts';
import { pageUrl } from './links.tsx';
import type { UiContext } from './ui-context.ts';

export interface EditorState {
  mode: 'new' | 'edit';
  /** Path of the page being edited (edit mode), used for the form action. */
  originalPath?: string;
  title: string;
  path: string;
  content: string;
  message: string;
  revision?: number;
  previewHtml?: string;
  error?: string;
  /** On a conflict: the text someone else saved meanwhile. */
  conflict?: { revision: number; content: string; title: string };
  /** New page: the path of the template the text came from. */
  template?: string;
}

/** The new-page form again, keeping its title and path, started from `template` (or blank). */
function newPageUrl(state: EditorState, template?: string): string {
  const query = new URLSearchParams();
  if (state.title) query.set('title', state.title);
  if (state.path) query.set('path', state.path);
  if (template) query.set('template', template);
  const search = query.toString();
  return search ? `/_new?${search}` : '/_new';
}

/** The templates a new page can start from: links, so choosing one works without JavaScript. */
function TemplateChoice(props: { state: EditorState; templates: readonly { path: string; title: string }[] }) {
  const { state, templates } = props;
  if (templates.length === 0) {
    return (
      <p class="muted templates" data-testid="templates">
        Pages under <a href={TEMPLATES_SECTION}>{TEMPLATES_SECTION}</a> are offered here as templates.
      </p>
    );
  }
  return (
    <nav class="templates" aria-label="Templates" data-testid="templates">
      <span class="muted">Start from </span>
      <a href={newPageUrl(state)} aria-current={state.template ? undefined : 'page'} data-template-choice="">a blank page</a>
      {templates.map((t) => (
        <>
          {' · '}
          <a href={newPageUrl(state, t.path)} aria-current={state.template === t.path ? 'page' : undefined} data-template-choice={t.path}>{t.title}</a>
        </>
      ))}
    </nav>
  );
}

/** `draftOwner`: the signed-in user's id, so editor-draft.js keeps each person's unsaved text apart. */
export function EditorScreen(props: { ui: UiContext; state: EditorState; draftOwner: string; templates?: readonly { path: string; title: string }[] }) {
  const { ui, state } = props;
  const action = state.mode === 'new' ? '/_new' : pageUrl(state.originalPath ?? '/', '_edit');
  return (
    <Layout ui={ui} title={state.mode === 'new' ? 'New page' : `Editing ${state.title}`}>
      <h1>{state.mode === 'new' ? 'New page' : `Editing “${state.title}”`}</h1>
      {props.templates && <TemplateChoice state={state} templates={props.templates} />}
      {state.error && <p class="notice error" role="alert" data-testid="form-error">{state.error}</p>}
      {state.conflict && (
        <section class="notice" data-testid="conflict">
          <p>
            Someone saved this page while you were editing (now revision {state.conflict.revision}). Your text is kept below;
            their version is shown here. Merge what you need, then save again.
          </p>
          <details open>
            <summary>Their version (revision {state.conflict.revision})</summary>
            <pre>{state.conflict.content}</pre>
          </details>
        </section>
      )}
      <form class="stack" method="post" action={action} id="page-form" data-draft-key={`${props.draftOwner}:${action}`}>
        {state.revision !== undefined && <input type="hidden" name="revision" value={String(state.revision)} />}
        <label>
          Title
          <input type="text" name="title" value={state.title} required maxlength={200} autofocus={state.mode === 'new'} />
        </label>
        <label>
          Path
          <input type="text" name="path" value={state.path} placeholder="/section/page (leave empty to use the title)" maxlength={300} />
        </label>
        <div class="editor-grid">
          <label>
            Content (Markdown)
            <textarea class="editor" name="content" data-editor data-path={state.path || '/'} data-media-upload={ui.uploads ? '' : undefined} spellcheck>{state.content}</textarea>
          </label>
          <section>
            <strong>Preview</strong>
            <div class="preview markdown-body" data-preview data-testid="preview">{state.previewHtml ? raw(state.previewHtml) : ''}</div>
          </section>
        </div>
        {ui.uploads && (
          <div class="media-upload">
            <button type="button" class="secondary" data-media-upload-button data-testid="upload-button">Upload a file or image</button>
            <span class="muted"> or drop files on the editor. Files go straight to storage.</span>
            <ul class="media-upload-status" data-media-upload-status data-testid="upload-status"></ul>
            <script src={ui.asset('media-upload.js')} defer></script>
          </div>
        )}
        <label>
          Change note (optional)
          <input type="text" name="message" value={state.message} maxlength={500} placeholder="What did you change?" />
        </label>
        <p class="muted">Markdown with tables, task lists, code blocks, [[Page title]] links. HTML is allowed but scripts and styles are removed.</p>
        <script src={ui.asset('editor-draft.js')} defer></script>
        <div class="form-actions">
          <button type="submit" name="intent" value="save" data-testid="save">{state.mode === 'new' ? 'Create page' : 'Save'}</button>
          <button type="submit" name="intent" value="preview" class="secondary" data-testid="preview-button">Preview</button>
          {state.mode === 'edit' && <a href={pageUrl(state.originalPath ?? '/')}>Cancel</a>}
        </div>
      </form>
      {state.mode === 'edit' && state.originalPath && (
        <form method="post" action={pageUrl(state.originalPath, '_delete')} class="danger-zone">
          <button type="submit" class="danger" data-confirm="Move this page to the trash?" data-testid="trash-page">Move to trash</button>
        </form>
      )}
    </Layout>
  );
}
