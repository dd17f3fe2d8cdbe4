/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// Recent changes across the wiki, a page of entries at a time: what changed, where, by whom, when.
import type { ChangeKind } from '../policy/recent-changes.ts';
import type { ChangeEntry } from '../store/changes.ts';
import { Layout } from './layout.tsx';
import { changeLinks, changesUrl, ListPager } from './links.tsx';
import { formatDate } from './page-view.tsx';
import type { UiContext } from './ui-context.ts';

const KIND_WORDS: Record<ChangeKind, string> = {
  created: 'created',
  edited: 'edited',
  moved: 'moved',
  renamed: 'renamed',
  restored_revision: 'restored an old revision',
  trashed: 'moved to the trash',
  restored_from_trash: 'restored from the trash',
};

/** `changes` is one page of the feed; `pager` links to older changes and back to the latest. */
export function ChangesScreen(props: { ui: UiContext; path?: string; changes: ChangeEntry[]; pager: { next: string | null; first?: string } }) {
  const { ui, path, changes } = props;
  return (
    <Layout ui={ui} title={path ? `Recent changes under ${path}` : 'Recent changes'}>
      <h1>Recent changes{path && <> under <a href={changesUrl({ path })}>{path}</a></>}</h1>
      <form method="get" action="/_changes" class="form-actions" role="search">
        <label>
          Under the path <input type="text" name="path" value={path ?? ''} placeholder="/handbook" data-testid="changes-path" />
        </label>
        <button type="submit" class="secondary">Show</button>
        {path && <a href="/_changes">Whole wiki</a>}
      </form>
      {changes.length === 0 ? (
        <p class="muted" data-testid="no-changes">{props.pager.first ? 'No earlier changes.' : 'No changes yet.'}</p>
      ) : (
        <table class="list" data-testid="changes">
          <thead><tr><th>When</th><th>Page</th><th>Change</th><th class="optional">Note</th><th class="optional">By</th></tr></thead>
          <tbody>
            {changes.map((change) => <ChangeRow change={change} />)}
          </tbody>
        </table>
      )}
      <ListPager next={props.pager.next} nextLabel="Older" first={props.pager.first} firstLabel="Latest" />
    </Layout>
  );
}

function ChangeRow(props: { change: ChangeEntry }) {
  const c = props.change;
  const links = changeLinks(c);
  return (
    <tr data-kind={c.kind} data-page-id={String(c.pageId)} data-revision={String(c.revision)}>
      <td><time datetime={c.createdAt.toISOString()}>{formatDate(c.createdAt)}</time></td>
      <td>
        {links.page ? <a href={links.page}>{c.title}</a> : c.title}
        <br />
        <span class="muted">{c.path}</span>
        {c.trashed ? (
          <> <span class="muted" data-testid="in-trash">· in the <a href="/_trash">trash</a></span></>
        ) : (
          c.currentPath !== c.path && <> <span class="muted">· now at {c.currentPath}</span></>
        )}
      </td>
      <td>
        {KIND_WORDS[c.kind]}
        {c.kind === 'restored_revision' && c.restoredFrom !== null && ` (#${c.restoredFrom})`}
        {c.previousPath !== null && <span class="muted"> from {c.previousPath}</span>}
        {c.previousTitle !== null && <span class="muted"> (was “{c.previousTitle}”)</span>}
        <br />
        {links.revision ? <a href={links.revision}>#{c.revision}</a> : <span class="muted">#{c.revision}</span>}
        {links.diff && <> · <a href={links.diff}>diff</a></>}
      </td>
      <td class="optional">{c.message ?? ''}</td>
      <td class="optional">{c.authorName ?? 'unknown'}</td>
    </tr>
  );
}
