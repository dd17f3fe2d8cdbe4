// A dump above the multipart threshold goes up as an S3 multipart upload: created with the dump's metadata
// (its sha256 among them, which restore checks), then its parts one after another, each read from the file
// and signed with its own sha256 so the bucket refuses a part that changed on the way, then completed. The
// parts hashed in turn must give the dump's recorded sha256 before the upload is completed. Whatever fails
// after the create aborts the upload, so no parts are left in the bucket (R2 bills them until aborted).
import { createHash } from 'node:crypto';
import type { AwsClient } from 'aws4fetch';
import { httpReason, refused, sendWithRetries, StoreError } from './bucket-request.ts';
import { describeError } from './describe-error.ts';
import { hashRange, rangeBody } from './file-range.ts';
import { completeMultipartXml, completionFailure, parseUploadId } from './s3-xml.ts';
import type { Part } from './upload-plan.ts';

export interface MultipartUpload {
  client: AwsClient;
  /** The object's URL, without a query. */
  url: string;
  key: string;
  file: string;
  sha256: string;
  parts: readonly Part[];
  /** Sent at creation: content-type and x-amz-meta-*. */
  headers: Record<string, string>;
  onProgress?: (bytes: number) => void;
}

export async function uploadInParts(upload: MultipartUpload): Promise<void> {
  const { client, url, key, parts } = upload;
  const signedFetch = async (target: string, init: RequestInit) => fetch(await client.sign(target, init));

  const creating = `${key} (create multipart upload)`;
  const created = await sendWithRetries('POST', creating, () => signedFetch(`${url}?uploads`, { method: 'POST', headers: upload.headers }));
  if (!created.ok) await refused('POST', creating, created);
  const uploadId = parseUploadId(await created.text());
  const ofUpload = `uploadId=${encodeURIComponent(uploadId)}`;

  try {
    const whole = createHash('sha256');
    const sent: { number: number; etag: string }[] = [];
    for (const part of parts) {
      const target = `${key} part ${part.number} of ${parts.length}`;
      const sha256 = await hashRange(upload.file, part.start, part.end, whole);
      const headers = { 'content-length': String(part.end - part.start), 'x-amz-content-sha256': sha256 };
      const res = await sendWithRetries('PUT', target, () =>
        signedFetch(`${url}?partNumber=${part.number}&${ofUpload}`, { method: 'PUT', headers, body: rangeBody(upload.file, part.start, part.end, (bytes) => upload.onProgress?.(part.start + bytes)) }),
      );
      if (!res.ok) await refused('PUT', target, res);
      await res.body?.cancel();
      const etag = res.headers.get('etag');
      if (!etag) throw new StoreError('PUT', target, 'the answer has no ETag');
      sent.push({ number: part.number, etag });
    }
    if (whole.digest('hex') !== upload.sha256) throw new Error(`${key}: the dump's parts do not hash to the sha256 recorded while dumping (the file changed on disk); not completing the upload`);

    const completing = `${key} (complete multipart upload)`;
    const xml = completeMultipartXml(sent);
    const headers = { 'content-type': 'application/xml', 'x-amz-content-sha256': createHash('sha256').update(xml).digest('hex') };
    const done = await sendWithRetries('POST', completing, () => signedFetch(`${url}?${ofUpload}`, { method: 'POST', headers, body: xml }));
    if (!done.ok) await refused('POST', completing, done);
    const failure = completionFailure(await done.text());
    if (failure) throw new StoreError('POST', completing, `HTTP 200 ${failure}`);
  } catch (err) {
    const notAborted = await abort(upload, ofUpload);
    throw new Error(
      `${describeError(err)}; ${
        notAborted === null
          ? 'the multipart upload was aborted, no part is left in the bucket'
          : `aborting the multipart upload failed too (${notAborted}): its parts stay in the bucket, billed, until the bucket's lifecycle rule aborts it (R2's default: after 7 days)`
      }`,
    );
  }
}

/** Null once the upload is gone (aborted now, or already: S3 answers 404 NoSuchUpload), else why not. */
async function abort({ client, url, key }: MultipartUpload, ofUpload: string): Promise<string | null> {
  try {
    const res = await sendWithRetries('DELETE', `${key} (abort multipart upload)`, async () => fetch(await client.sign(`${url}?${ofUpload}`, { method: 'DELETE' })));
    if (!res.ok && res.status !== 404) return await httpReason(res);
    await res.body?.cancel();
    return null;
  } catch (err) {
    return describeError(err);
  }
}
