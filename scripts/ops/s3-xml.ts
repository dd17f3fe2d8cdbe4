// The S3 XML the backup commands read — a ListObjectsV2 page, an error's <Code>, the answers that create and
// complete a multipart upload — and the one they write: the list of parts that completes it. Pure.
// A few lines of matching instead of an XML dependency: S3 and R2 write these documents flat, with
// no attributes or CDATA on the elements read here, and keys escape only the five XML entities.

export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date;
}

export interface ListPage {
  objects: ListedObject[];
  /** Set when the listing continues on another page. */
  nextContinuationToken: string | null;
}

export function parseListObjectsV2(xml: string): ListPage {
  if (!/<ListBucketResult[\s>]/.test(xml)) throw new Error('not a ListObjectsV2 answer (no ListBucketResult)');
  const objects: ListedObject[] = [];
  for (const [, body] of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
    const key = element(body!, 'Key');
    const size = Number(element(body!, 'Size'));
    if (key === null || !Number.isSafeInteger(size)) throw new Error('a listed object has no Key or Size');
    objects.push({ key, size, lastModified: new Date(element(body!, 'LastModified') ?? Number.NaN) });
  }
  const truncated = element(xml, 'IsTruncated') === 'true';
  return { objects, nextContinuationToken: truncated ? element(xml, 'NextContinuationToken') : null };
}

/** The <Code> of an S3 error document ("NoSuchKey", "SignatureDoesNotMatch"), or null. */
export function s3ErrorCode(xml: string): string | null {
  const code = element(xml, 'Code');
  return code && /^[A-Za-z0-9.]{1,64}$/.test(code) ? code : null;
}

/** The UploadId of a CreateMultipartUpload answer. */
export function parseUploadId(xml: string): string {
  if (!/<InitiateMultipartUploadResult[\s>]/.test(xml)) throw new Error('not a CreateMultipartUpload answer (no InitiateMultipartUploadResult)');
  const id = element(xml, 'UploadId');
  if (!id) throw new Error('the CreateMultipartUpload answer has no UploadId');
  return id;
}

/** CompleteMultipartUpload's body: the parts in ascending order, each with the ETag its upload answered. */
export function completeMultipartXml(parts: readonly { number: number; etag: string }[]): string {
  const listed = parts.map((p) => `<Part><PartNumber>${p.number}</PartNumber><ETag>${escapeXml(p.etag)}</ETag></Part>`).join('');
  return `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${listed}</CompleteMultipartUpload>`;
}

/**
 * Why a CompleteMultipartUpload answered 200 did not complete, or null when it did: S3 documents that the
 * status can be 200 with an error document, the error coming once the joining is under way.
 */
export function completionFailure(xml: string): string | null {
  if (/<CompleteMultipartUploadResult[\s>]/.test(xml)) return null;
  return s3ErrorCode(xml) ?? 'no CompleteMultipartUploadResult in the answer';
}

function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : '&gt;'));
}

function element(xml: string, name: string): string | null {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return m ? unescapeXml(m[1]!) : null;
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-fA-F]+);/g, (_, entity: string) => {
    switch (entity) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      case 'amp':
        return '&';
      default:
        return String.fromCodePoint(entity[1] === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10));
    }
  });
}
