/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// URLs of wiki pages and their actions, the breadcrumb trail and the links between pages of a list; the one
// place that knows the URL scheme.
import { PAGE_SIZE_DEFAULT } from '../policy/paging.ts';
import type { ChangeKind } from '../policy/recent-changes.ts';

/** `/handbook/onboarding` → itself; with an action: `/_edit/handbook/onboarding` (home: `/_edit/`). */
export type PageAction = '_edit' | '_history' | '_diff' | '_revision' | '_restore' | '_delete';

export function pageUrl(path: string, action?: PageAction): string {
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  return action ? `/${action}${encoded}` : encoded;
}

export function Breadcrumbs(props: { path: string }) {
  const segments = props.path.split('/').filter(Boolean);
  if (segments.length === 0) return null;
  return (
    <nav class="breadcrumbs" aria-label="Breadcrumbs">
      <a href="/">Home</a>
      {segments.slice(0, -1).map((segment, i) => (
        <>
          <span aria-hidden="true"> / </span>
          <a href={pageUrl(`/${segments.slice(0, i + 1).join('/')}`)}>{segment}</a>
        </>
      ))}
    </nav>
  );
}

/**
 * The URL of the next page of a paged list: `base` with the cursor (`before` on newest-first lists, `after`
 * on ascending ones) and the page size when it is not the default, so a chosen size stays chosen.
 */
export function listPageUrl(base: string, cursor: { name: 'before' | 'after'; value: string | number }, limit: number): string {
  const query = new URLSearchParams({ [cursor.name]: String(cursor.value) });
  if (limit !== PAGE_SIZE_DEFAULT) query.set('limit', String(limit));
  return `${base}?${query}`;
}

/** "Older" / "Next" under a list, and "Newest" / "First" back to its start once past the first page. */
export function ListPager(props: { next: string | null; nextLabel: string; first?: string; firstLabel?: string }) {
  if (!props.next && !props.first) return null;
  return (
    <nav class="pager form-actions" aria-label="More of this list">
      {props.first && <a href={props.first} data-testid="pager-first">{props.firstLabel ?? 'First'}</a>}
      {props.next && <a href={props.next} rel="next" data-testid="pager-next">{props.nextLabel}</a>}
    </nav>
  );
}

/** `/_changes` with its filter, cursor and page size (the size only when not the default), in that order. */
export function changesUrl(query: { path?: string; before?: string; limit?: number }): string {
  const params = new URLSearchParams();
  if (query.path) params.set('path', query.path);
  if (query.before) params.set('before', query.before);
  if (query.limit !== undefined && query.limit !== PAGE_SIZE_DEFAULT) params.set('limit', String(query.limit));
  const search = params.toString();
  return search ? `/_changes?${search}` : '/_changes';
}

/**
 * Where an entry of recent changes leads: the page as it is now, the revision made, and its diff against
 * the one before. Through the page's current path (its old one may be another page's now); none for a page
 * in the trash, whose views answer 404; no revision or diff for a trash move, which made none.
 */
export function changeLinks(change: { kind: ChangeKind; revision: number; currentPath: string; trashed: boolean }) {
  if (change.trashed) return { page: null, revision: null, diff: null };
  const page = pageUrl(change.currentPath);
  if (change.kind === 'trashed' || change.kind === 'restored_from_trash') return { page, revision: null, diff: null };
  return {
    page,
    revision: `${pageUrl(change.currentPath, '_revision')}?rev=${change.revision}`,
    diff: change.revision > 1 ? `${pageUrl(change.currentPath, '_diff')}?from=${change.revision - 1}&to=${change.revision}` : null,
  };
}
