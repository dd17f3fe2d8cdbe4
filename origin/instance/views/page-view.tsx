/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// A rendered wiki page: breadcrumbs, title, actions, table of contents, stored HTML, backlinks.
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { isTemplatePath } from '../policy/templates.ts';
import type { PageView } from '../store/page-view.ts';
import { Layout } from './layout.tsx';
import type { UiContext } from './ui-context.ts';
import { Breadcrumbs, pageUrl } from './links.tsx';

export function PageViewScreen(props: { ui: UiContext; page: PageView; sidebar?: Child }) {
  const { ui, page } = props;
  return (
    <Layout ui={ui} title={page.title} sidebar={props.sidebar}>
      <article class="page" data-page-id={String(page.id)} data-revision={String(page.revision)}>
        <Breadcrumbs path={page.path} />
        <header class="page-header">
          <h1 class="page-title">{page.title}</h1>
          <nav class="page-actions" aria-label="Page">
            {ui.canWrite && <a class="button" href={pageUrl(page.path, '_edit')} data-testid="edit-page">Edit</a>}
            <a href={pageUrl(page.path, '_history')} data-testid="page-history">History</a>
            {ui.canWrite && <a href={`/_new?parent=${encodeURIComponent(page.path)}`}>New subpage</a>}
            {ui.canWrite && isTemplatePath(page.path) && (
              <a href={`/_new?template=${encodeURIComponent(page.path)}`} data-testid="use-template">New page from this template</a>
            )}
          </nav>
          <p class="muted">
            Revision {page.revision}
            {page.updatedByName ? `, last edited by ${page.updatedByName}` : ''} · <time datetime={new Date(page.updatedAt).toISOString()}>{formatDate(page.updatedAt)}</time>
          </p>
        </header>
        {page.toc.length > 1 && (
          <nav class="toc" aria-label="Contents">
            <strong>Contents</strong>
            <ol>
              {page.toc.map((entry) => (
                <li class={`toc-level-${entry.level}`}>
                  <a href={`#${entry.id}`}>{entry.text}</a>
                </li>
              ))}
            </ol>
          </nav>
        )}
        {/* Sanitised at save time (policy/render/sanitize.ts): the stored HTML is safe to emit as is. */}
        <div class="markdown-body" data-testid="page-content">{raw(page.html)}</div>
        {page.backlinks.length > 0 && (
          <footer class="backlinks">
            <h2>Pages linking here</h2>
            <ul>
              {page.backlinks.map((b) => (
                <li>
                  <a href={pageUrl(b.path)}>{b.title}</a>
                </li>
              ))}
            </ul>
          </footer>
        )}
      </article>
    </Layout>
  );
}

export function formatDate(value: string | Date): string {
  return new Date(value).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}
