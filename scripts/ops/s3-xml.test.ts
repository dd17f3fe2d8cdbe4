import { describe, expect, it } from 'vitest';
import { completeMultipartXml, completionFailure, parseListObjectsV2, parseUploadId, s3ErrorCode } from './s3-xml.ts';

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

describe('multipart upload documents', () => {
  it('reads the UploadId of a CreateMultipartUpload answer, unescaped, and refuses another document', () => {
    const xml = '<?xml version="1.0"?><InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>b</Bucket><Key>k</Key><UploadId>AJ1C+x/y=&amp;z</UploadId></InitiateMultipartUploadResult>';
    expect(parseUploadId(xml)).toBe('AJ1C+x/y=&z');
    expect(() => parseUploadId('<Error><Code>NoSuchBucket</Code></Error>')).toThrow(/InitiateMultipartUploadResult/);
  });

  it('lists the parts with their ETags, quotes kept as the uploads answered them', () => {
    expect(completeMultipartXml([{ number: 1, etag: '"a1"' }, { number: 2, etag: '"b2"' }])).toBe(
      '<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part><PartNumber>1</PartNumber><ETag>"a1"</ETag></Part><Part><PartNumber>2</PartNumber><ETag>"b2"</ETag></Part></CompleteMultipartUpload>',
    );
  });

  it('tells a completed upload from an error document sent with status 200', () => {
    expect(completionFailure('<CompleteMultipartUploadResult><ETag>&quot;x-2&quot;</ETag></CompleteMultipartUploadResult>')).toBeNull();
    expect(completionFailure('<?xml version="1.0"?>\n\n<Error><Code>InternalError</Code><Message>…</Message></Error>')).toBe('InternalError');
    expect(completionFailure('')).toBe('no CompleteMultipartUploadResult in the answer');
  });
});
