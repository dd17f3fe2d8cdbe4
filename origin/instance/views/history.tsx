/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// History of a page, a page of revisions at a time: author, time and note; pick two to compare; restore any.
import { raw } from 'hono/html';
import { MAX_DIFF_CHANGES, type DiffSummary } from '../policy/diff.ts';
import { Layout } from './layout.tsx';
import { Breadcrumbs, ListPager, pageUrl } from './links.tsx';
import { formatDate } from './page-view.tsx';
import type { UiContext } from './ui-context.ts';

export interface RevisionItem {
  revision: number;
  title: string;
  message: string;
  authorName: string | null;
  createdAt: Date | string;
}

/** `revisions` is one page of the history; `pager` links to the older revisions and back to the newest. */
export function HistoryScreen(props: { ui: UiContext; page: { path: string; title: string; revision: number }; revisions: RevisionItem[]; pager: { next: string | null; first?: string } }) {
  const { ui, page, revisions } = props;
  return (
    <Layout ui={ui} title={`History of ${page.title}`}>
      <Breadcrumbs path={page.path} />
      <h1>History of <a href={pageUrl(page.path)}>{page.title}</a></h1>
      <form method="get" action={pageUrl(page.path, '_diff')}>
        <table class="list" data-testid="history">
          <thead>
            <tr><th>From</th><th>To</th><th>Revision</th><th>Note</th><th class="optional">Author</th><th class="optional">When</th><th></th></tr>
          </thead>
          <tbody>
            {revisions.map((r, i) => (
              <tr data-revision={String(r.revision)}>
                <td><input type="radio" name="from" value={String(r.revision)} checked={i === 1 || (revisions.length === 1 && i === 0)} aria-label={`Compare from revision ${r.revision}`} /></td>
                <td><input type="radio" name="to" value={String(r.revision)} checked={i === 0} aria-label={`Compare to revision ${r.revision}`} /></td>
                <td><a href={`${pageUrl(page.path, '_revision')}?rev=${r.revision}`}>#{r.revision}</a>{r.revision === page.revision ? ' (current)' : ''}</td>
                <td>{r.message}</td>
                <td class="optional">{r.authorName ?? 'unknown'}</td>
                <td class="optional"><time datetime={new Date(r.createdAt).toISOString()}>{formatDate(r.createdAt)}</time></td>
                <td>
                  {ui.canWrite && r.revision !== page.revision && (
                    <button type="submit" formaction={`${pageUrl(page.path, '_restore')}?rev=${r.revision}`} formmethod="post" class="secondary" data-testid={`restore-${r.revision}`}>
                      Restore this revision
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p><button type="submit" data-testid="compare">Compare selected</button></p>
      </form>
      <ListPager next={props.pager.next} nextLabel="Older" first={props.pager.first} firstLabel="Newest" />
    </Layout>
  );
}

/** `diff` is null when the revisions differ too much to compare (policy/diff.ts). */
export function DiffScreen(props: { ui: UiContext; page: { path: string; title: string; revision: number }; from: number; to: number; diff: DiffSummary | null }) {
  const { ui, page, from, to, diff } = props;
  const revisionUrl = (rev: number) => `${pageUrl(page.path, '_revision')}?rev=${rev}`;
  return (
    <Layout ui={ui} title={`Changes to ${page.title}`}>
      <Breadcrumbs path={page.path} />
      <h1>Changes to <a href={pageUrl(page.path)}>{page.title}</a></h1>
      {diff ? <DiffLines page={page} from={from} to={to} diff={diff} /> : (
        <p class="notice" data-testid="diff-too-large">
          Revision {from} and revision {to} differ in more than {MAX_DIFF_CHANGES} lines: too large to compare line by line. Read{' '}
          <a href={revisionUrl(from)}>revision {from}</a> and <a href={revisionUrl(to)}>revision {to}</a> instead, or go back to the{' '}
          <a href={pageUrl(page.path, '_history')}>history</a>.
        </p>
      )}
      {ui.canWrite && from !== page.revision && (
        <form method="post" action={`${pageUrl(page.path, '_restore')}?rev=${from}`}>
          <p><button type="submit" class="secondary" data-testid="restore-from">Restore revision {from}</button></p>
        </form>
      )}
    </Layout>
  );
}

function DiffLines(props: { page: { path: string }; from: number; to: number; diff: DiffSummary }) {
  const { page, from, to, diff } = props;
  return (
    <>
      <p>
        Revision {from} → revision {to}: <span class="added-count">+{diff.added}</span> / <span class="removed-count">−{diff.removed}</span> lines ·{' '}
        <a href={pageUrl(page.path, '_history')}>History</a>
      </p>
      <div class="diff" data-testid="diff">
        {diff.lines.map((line) =>
          line.op === 'gap' ? (
            <div class="gap">… {line.hidden} unchanged lines …</div>
          ) : (
            <div class={line.op}>
              {line.op === 'added' ? '+ ' : line.op === 'removed' ? '- ' : '  '}
              {line.text}
            </div>
          ),
        )}
      </div>
    </>
  );
}

export function RevisionScreen(props: { ui: UiContext; page: { path: string; title: string; revision: number }; revision: RevisionItem & { html: string } }) {
  const { ui, page, revision } = props;
  return (
    <Layout ui={ui} title={`${revision.title} (revision ${revision.revision})`}>
      <Breadcrumbs path={page.path} />
      <p class="notice">
        You are looking at revision {revision.revision} of <a href={pageUrl(page.path)}>{page.title}</a> ({formatDate(revision.createdAt)}, {revision.authorName ?? 'unknown'}).
      </p>
      <h1>{revision.title}</h1>
      <div class="markdown-body">{raw(revision.html)}</div>
      {ui.canWrite && revision.revision !== page.revision && (
        <form method="post" action={`${pageUrl(page.path, '_restore')}?rev=${revision.revision}`}>
          <p><button type="submit" data-testid="restore-revision">Restore this revision</button></p>
        </form>
      )}
    </Layout>
  );
}
