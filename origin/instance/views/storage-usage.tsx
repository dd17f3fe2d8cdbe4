/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The instance's uploaded files against its quota, as the settings and files pages show it.
import { formatBytes } from '#shared/media-policy';
import type { StorageUsage } from '../deps.ts';

export function StorageUsageSummary(props: { usage: StorageUsage }) {
  const { usage } = props;
  return (
    <>
      <p>
        {usage.files} file{usage.files === 1 ? '' : 's'}, {formatBytes(usage.storedBytes)} of {formatBytes(usage.quotaBytes)} used
        {usage.pendingBytes > 0 ? ` (${formatBytes(usage.pendingBytes)} uploading)` : ''}.
      </p>
      <progress max={usage.quotaBytes} value={usage.storedBytes + usage.pendingBytes} />
    </>
  );
}
