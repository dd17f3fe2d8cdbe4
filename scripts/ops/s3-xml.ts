// The two S3 XML answers the backup commands read: a ListObjectsV2 page and an error's <Code>. Pure.
// A dozen lines of matching instead of an XML dependency: S3 and R2 write these documents flat, with
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
