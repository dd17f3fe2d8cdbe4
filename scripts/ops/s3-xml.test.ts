import { describe, expect, it } from 'vitest';
import { parseListObjectsV2, s3ErrorCode } from './s3-xml.ts';

const page = (contents: string, tail = '<IsTruncated>false</IsTruncated>') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name>${tail}${contents}</ListBucketResult>`;

describe('parseListObjectsV2', () => {
  it('reads each object with its key, size and time, unescaping the key', () => {
    const xml = page(
      '<Contents><Key>tenants/i1/backups/2026-11-21T03-00-00Z.dump</Key><LastModified>2026-11-21T03:00:04.000Z</LastModified><ETag>&quot;x&quot;</ETag><Size>1234</Size></Contents>' +
        '<Contents><Key>a&amp;b &#228;</Key><LastModified>2026-11-20T03:00:00.000Z</LastModified><Size>0</Size></Contents>',
    );
    expect(parseListObjectsV2(xml)).toEqual({
      objects: [
        { key: 'tenants/i1/backups/2026-11-21T03-00-00Z.dump', size: 1234, lastModified: new Date('2026-11-21T03:00:04Z') },
        { key: 'a&b ä', size: 0, lastModified: new Date('2026-11-20T03:00:00Z') },
      ],
      nextContinuationToken: null,
    });
  });

  it('returns the continuation token of a truncated page', () => {
    const xml = page('', '<IsTruncated>true</IsTruncated><NextContinuationToken>abc/+=</NextContinuationToken>');
    expect(parseListObjectsV2(xml)).toEqual({ objects: [], nextContinuationToken: 'abc/+=' });
  });

  it('refuses a document that is not a listing', () => {
    expect(() => parseListObjectsV2('<Error><Code>AccessDenied</Code></Error>')).toThrow(/ListBucketResult/);
  });
});

describe('s3ErrorCode', () => {
  it('reads the code of an error document', () => {
    expect(s3ErrorCode('<?xml version="1.0"?><Error><Code>SignatureDoesNotMatch</Code><Message>…</Message></Error>')).toBe('SignatureDoesNotMatch');
  });

  it('gives null when there is none', () => {
    expect(s3ErrorCode('')).toBeNull();
    expect(s3ErrorCode('<html>bad gateway</html>')).toBeNull();
  });
});
