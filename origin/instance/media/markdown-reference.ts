// The Markdown an editor inserts for an uploaded file: an image for raster images, a link otherwise.
import { mediaPath } from '#shared/media-contract';
import { isInlineSafe } from '#shared/media-policy';

/** Brackets, backslashes and line breaks would end the label early or smuggle in more Markdown. */
function escapeLabel(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/([\\[\]])/g, '\\$1');
}

export function markdownReference(key: string, filename: string, contentType: string): string {
  const path = mediaPath(key);
  if (isInlineSafe(contentType)) {
    const alt = filename.replace(/\.[^.]*$/, '');
    return `![${escapeLabel(alt)}](${path})`;
  }
  return `[${escapeLabel(filename)}](${path})`;
}
