/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// Finding pages: search results, the list of all pages, and the trash.
import { raw } from 'hono/html';
import type { TreeNode } from '../policy/tree.ts';
import { Layout } from './layout.tsx';
import { ListPager, pageUrl } from './links.tsx';
import { formatDate } from './page-view.tsx';
import { PageTree } from './tree.tsx';
import type { UiContext } from './ui-context.ts';

export function SearchScreen(props: { ui: UiContext; query: string; results: { path: string; title: string; snippetHtml: string }[] }) {
  const { ui, query, results } = props;
  return (
    <Layout ui={ui} title={query ? `Search: ${query}` : 'Search'} query={query}>
      <h1>Search</h1>
      <form method="get" action="/_search" class="stack" role="search">
        <label>
          Words, "exact phrases", -excluded
          <input type="text" name="q" value={query} data-testid="search-input" />
        </label>
        <div class="form-actions"><button type="submit">Search</button></div>
      </form>
      {query && (
        <p class="muted" data-testid="result-count">{results.length === 0 ? 'No page matches.' : `${results.length} page${results.length === 1 ? '' : 's'} found.`}</p>
      )}
      <ul class="results" data-testid="search-results">
        {results.map((r) => (
          <li>
            <a href={pageUrl(r.path)}>{r.title}</a> <span class="path">{r.path}</span>
            {/* The snippet is escaped text plus <mark> (see snippetHtml). */}
            <div>{raw(r.snippetHtml)}</div>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

export function AllPagesScreen(props: { ui: UiContext; tree: TreeNode[]; count: number }) {
  return (
    <Layout ui={props.ui} title="All pages">
      <h1>All pages <span class="muted">({props.count})</span></h1>
      {props.ui.canWrite && <p><a class="button" href="/_new">New page</a></p>}
      <PageTree nodes={props.tree} />
    </Layout>
  );
}

/** `pages` is one page of the trash; `pager` links to what was deleted earlier and back to the latest. */
export function TrashScreen(props: {
  ui: UiContext;
  pages: { id: number; path: string; title: string; deletedAt: Date | null; deletedBy: string | null }[];
  pager: { next: string | null; first?: string };
  /** The query of this page of the trash: a purge sends it so the answer comes back to this page. */
  here: string;
  canPurge: boolean;
}) {
  const { ui, pages } = props;
  return (
    <Layout ui={ui} title="Trash">
      <h1>Trash</h1>
      {pages.length === 0 ? (
        <p class="muted">{props.pager.first ? 'Nothing was deleted earlier.' : 'The trash is empty.'}</p>
      ) : (
        <table class="list" data-testid="trash">
          <thead><tr><th>Page</th><th class="optional">Deleted</th><th></th></tr></thead>
          <tbody>
            {pages.map((p) => (
              <tr data-page-id={String(p.id)}>
                <td>{p.title}<br /><span class="muted">{p.path}</span></td>
                <td class="optional">{p.deletedAt ? formatDate(p.deletedAt) : ''} {p.deletedBy ? `by ${p.deletedBy}` : ''}</td>
                <td class="form-actions">
                  <form method="post" action={`/_trash/${p.id}/restore`}><button type="submit" class="secondary">Restore</button></form>
                  {props.canPurge && (
                    <form method="post" action={`/_trash/${p.id}/purge${props.here}`}>
                      <button type="submit" class="danger" data-confirm="Delete this page and its history for good?">Delete forever</button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ListPager next={props.pager.next} nextLabel="Older" first={props.pager.first} firstLabel="Latest" />
    </Layout>
  );
}
