/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The uploaded files of the wiki: newest first, each with who uploaded it, its size and a way to delete it.
import { mediaPath } from '#shared/media-contract';
import { formatBytes, isInlineSafe } from '#shared/media-policy';
import type { StorageUsage } from '../deps.ts';
import type { MediaRow } from '../media/media-store.ts';
import { Layout } from './layout.tsx';
import { ListPager } from './links.tsx';
import { formatDate } from './page-view.tsx';
import { StorageUsageSummary } from './storage-usage.tsx';
import type { UiContext } from './ui-context.ts';

export type FileListRow = MediaRow & { canDelete: boolean };

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
            <p class="muted">Deleting a file does not change the pages that use it: their images and links to it stop working.</p>
          )}
          <table class="list files" data-testid="files">
            <thead><tr><th class="optional"></th><th>File</th><th>Size</th><th class="optional">Uploaded</th><th></th></tr></thead>
            <tbody>
              {files.map((f) => (
                <tr data-media-id={String(f.id)}>
                  <td class="optional"><Thumbnail file={f} /></td>
                  <td>
                    <a href={mediaPath(f.key)} data-testid="file-link">{f.filename}</a>
                    <br /><span class="muted" data-testid="file-type">{f.contentType}</span>
                  </td>
                  <td data-testid="file-size">{formatBytes(f.size)}</td>
                  <td class="optional">
                    <time datetime={f.createdAt.toISOString()}>{formatDate(f.createdAt)}</time>
                    <br /><span class="muted" data-testid="file-uploader">{f.uploaderName ? `by ${f.uploaderName}` : 'uploader unknown'}</span>
                  </td>
                  <td class="form-actions">
                    {f.canDelete && (
                      // Without JavaScript the button deletes at once; with it, app.js asks first (data-confirm).
                      <form method="post" action={`/_files/${f.id}/delete${props.here}`}>
                        <button type="submit" class="danger" aria-label={`Delete ${f.filename} forever`} data-confirm={`Delete "${f.filename}" for good? Pages that show or link to it will have a broken link.`}>
                          Delete forever
                        </button>
                      </form>
                    )}
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
