/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// URLs of wiki pages and their actions, the breadcrumb trail and the links between pages of a list; the one
// place that knows the URL scheme.
import { PAGE_SIZE_DEFAULT } from '../policy/paging.ts';

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
