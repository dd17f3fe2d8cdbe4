/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The uploaded files of the wiki: newest first, each with who uploaded it, its size and a way to delete it.
import { mediaPath } from '#shared/media-contract';
import { formatBytes, isInlineSafe } from '#shared/media-policy';
import type { StorageUsage } from '../deps.ts';
import type { MediaRow } from '../media/media-store.ts';
import type { FileUsage } from '../store/media-refs.ts';
import { Layout } from './layout.tsx';
import { ListPager, pageUrl } from './links.tsx';
import { formatDate } from './page-view.tsx';
import { StorageUsageSummary } from './storage-usage.tsx';
import type { UiContext } from './ui-context.ts';

export type FileListRow = MediaRow & { canDelete: boolean; usage: FileUsage };

/** The file's own page: what it is, where it is used, and its Delete button. */
export const fileUrl = (id: number) => `/_files/${id}`;

/**
 * `files` is one page of the list; `pager` links to older files and back to the newest; `here` is the query
 * of this page, which a Delete form sends so the answer comes back to it. `usage` only for those who may see it.
 */
export function FilesScreen(props: { ui: UiContext; files: FileListRow[]; pager: { next: string | null; first?: string }; here: string; usage?: StorageUsage }) {
  const { ui, files } = props;
  return (
    <Layout ui={ui} title="Files">
      <h1>Files</h1>
      {props.usage && (
        <section data-testid="storage-usage">
          <StorageUsageSummary usage={props.usage} />
        </section>
      )}
      {ui.uploads && <p class="muted">Files are uploaded from the page editor.</p>}
      {files.length === 0 ? (
        <p class="muted">{props.pager.first ? 'No files were uploaded earlier.' : 'No files have been uploaded yet.'}</p>
      ) : (
        <>
          {files.some((f) => f.canDelete) && (
            <p class="muted">Deleting a file does not change the pages that use it: their images and links to it stop working. Each file's page lists where it is used.</p>
          )}
          <table class="list files" data-testid="files">
            <thead><tr><th class="optional"></th><th>File</th><th>Used on</th><th>Size</th><th class="optional">Uploaded</th><th></th></tr></thead>
            <tbody>
              {files.map((f) => (
                <tr data-media-id={String(f.id)}>
                  <td class="optional"><a href={mediaPath(f.key)} aria-label={`Open ${f.filename}`} data-testid="file-open"><Thumbnail file={f} /></a></td>
                  <td>
                    <a href={fileUrl(f.id)} data-testid="file-link">{f.filename}</a>
                    <br /><span class="muted" data-testid="file-type">{f.contentType}</span>
                  </td>
                  <td data-testid="file-usage"><UsageSummary usage={f.usage} more={fileUrl(f.id)} /></td>
                  <td data-testid="file-size">{formatBytes(f.size)}</td>
                  <td class="optional">
                    <time datetime={f.createdAt.toISOString()}>{formatDate(f.createdAt)}</time>
                    <br /><span class="muted" data-testid="file-uploader">{f.uploaderName ? `by ${f.uploaderName}` : 'uploader unknown'}</span>
                  </td>
                  <td class="form-actions">
                    {f.canDelete && <DeleteFileForm file={f} usage={f.usage} back={props.here} />}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <ListPager next={props.pager.next} nextLabel="Older" first={props.pager.first} firstLabel="Newest" />
    </Layout>
  );
}

/** Images as themselves, through the same authorised /_media/ URL pages use; other files as their extension. */
function Thumbnail(props: { file: MediaRow }) {
  const { file } = props;
  if (isInlineSafe(file.contentType)) return <img class="thumb" src={mediaPath(file.key)} alt="" loading="lazy" width="64" height="64" />;
  const name = file.key.slice(file.key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return <span class="thumb file-kind" aria-hidden="true">{dot > 0 ? name.slice(dot + 1).toUpperCase() : 'FILE'}</span>;
}

/** Pages listed by name in the files list before "and N more" (the file's own page lists them all). */
export const USING_PAGES_IN_LIST = 3;

/** "Home, Onboarding and 4 more", each a link; or that no page uses the file (and any trashed page that would). */
function UsageSummary(props: { usage: FileUsage; more: string }) {
  const { pages, live, trashed } = props.usage;
  const inTrash = trashed > 0 ? <span class="muted"> ({trashed === 1 ? 'and 1 page in the trash' : `and ${trashed} pages in the trash`})</span> : '';
  if (live === 0) return <span class="muted">No page{inTrash}</span>;
  const rest = live - pages.length;
  return (
    <>
      {pages.map((p, i) => (
        <>
          {i > 0 && (i === pages.length - 1 && rest === 0 ? ' and ' : ', ')}
          <a href={pageUrl(p.path)}>{p.title}</a>
        </>
      ))}
      {rest > 0 && <> and <a href={props.more}>{rest} more</a></>}
      {inTrash}
    </>
  );
}

/** Without JavaScript the button deletes at once; with it, app.js asks first (data-confirm), naming the pages it breaks. */
function DeleteFileForm(props: { file: MediaRow; usage: FileUsage; back: string }) {
  const { file, usage } = props;
  const used = usage.live === 0 ? 'No page uses it.' : `${usage.live === 1 ? '1 page shows or links to it' : `${usage.live} pages show or link to it`}: they will have a broken link.`;
  return (
    <form method="post" action={`/_files/${file.id}/delete${props.back}`}>
      <button type="submit" class="danger" aria-label={`Delete ${file.filename} forever`} data-confirm={`Delete "${file.filename}" for good? ${used}`}>
        Delete forever
      </button>
    </form>
  );
}

/** One file: a preview for images, what it is, the Markdown that shows it, and every page that uses it. */
export function FileScreen(props: { ui: UiContext; file: MediaRow; usage: FileUsage; listed: number; canDelete: boolean; markdown: string }) {
  const { ui, file, usage } = props;
  const unlisted = usage.live - usage.pages.length;
  return (
    <Layout ui={ui} title={file.filename}>
      <p class="muted"><a href="/_files">Files</a></p>
      <h1 data-testid="file-name">{file.filename}</h1>
      {isInlineSafe(file.contentType) ? (
        <p><a href={mediaPath(file.key)}><img class="file-preview" src={mediaPath(file.key)} alt={file.filename} /></a></p>
      ) : (
        <p><a href={mediaPath(file.key)} data-testid="file-open">Open {file.filename}</a></p>
      )}
      <dl class="facts">
        <dt>Type</dt><dd data-testid="file-type">{file.contentType}</dd>
        <dt>Size</dt><dd data-testid="file-size">{formatBytes(file.size)}</dd>
        <dt>Uploaded</dt>
        <dd><time datetime={file.createdAt.toISOString()}>{formatDate(file.createdAt)}</time> {file.uploaderName ? `by ${file.uploaderName}` : '(uploader unknown)'}</dd>
        <dt>Markdown</dt><dd><code data-testid="file-markdown">{props.markdown}</code></dd>
      </dl>
      <h2>Used on</h2>
      {usage.live === 0 ? (
        <p class="muted" data-testid="file-unused">No page shows or links to this file.</p>
      ) : (
        <ul data-testid="file-pages">
          {usage.pages.map((p) => <li><a href={pageUrl(p.path)}>{p.title}</a> <span class="muted">{p.path}</span></li>)}
        </ul>
      )}
      {unlisted > 0 && <p class="muted">And {unlisted} more pages (the first {props.listed} are listed, by title).</p>}
      {usage.trashed > 0 && (
        <p class="muted" data-testid="file-trashed">
          {usage.trashed === 1 ? '1 page in the trash uses it' : `${usage.trashed} pages in the trash use it`}, and would again if restored.
        </p>
      )}
      {props.canDelete && (
        <section class="danger-zone">
          <p class="muted">Deleting a file does not change the pages that use it: their images and links to it stop working.</p>
          <DeleteFileForm file={file} usage={usage} back="" />
        </section>
      )}
    </Layout>
  );
}
