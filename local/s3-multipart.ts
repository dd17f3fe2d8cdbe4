// Multipart uploads on the local S3 server as R2 answers them. s3rver 4 creates an upload and joins parts,
// but checks none of the rules (local/s3-multipart-rules.ts), takes parts for an upload that does not exist,
// and can neither abort nor list uploads. This middleware runs just before s3rver's router, behind the same
// SigV4 check, and answers UploadPart, CompleteMultipartUpload, AbortMultipartUpload and ListMultipartUploads
// itself on s3rver's own files (<bucket>/._S3rver_uploads/<id>/{key,metadata,<n>,<n>.md5});
// CreateMultipartUpload and everything else stay s3rver's. No CORS on these: browsers upload with one PUT.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { bareEtag, completionRefusal, contentSha256Refusal, multipartEtag, partNumberRefusal, partSizeRefusal, type ListedPart, type S3Refusal, type StoredPart } from './s3-multipart-rules.ts';

/** The part of Koa's context used here (s3rver ships no types). */
interface Context {
  method: string;
  path: string;
  href: string;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
  params: Record<string, string>;
  state: { account?: unknown };
  request: { body?: unknown };
  req: IncomingMessage;
  status: number;
  body: unknown;
  etag: string;
  get(header: string): string;
  store: {
    getBucket(name: string): Promise<unknown>;
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
    putObjectMultipart(bucket: string, uploadId: string, parts: ListedPart[]): Promise<{ md5: string; size: number }>;
  };
}
type Middleware = (ctx: Context, next: () => Promise<void>) => Promise<void>;

const require = createRequire(import.meta.url);
type S3ErrorCtor = new (code: string, message: string, detail?: Record<string, string | number>) => Error & { status: number; expose: boolean };
// s3rver's own error class, so its error handler writes our refusals as S3 error documents.
const S3Error = require('@20minutes/s3rver/lib/models/error.js') as S3ErrorCtor;
const authentication = (require('@20minutes/s3rver/lib/middleware/authentication.js') as () => Middleware)();
const { xmlBodyParser } = require('@20minutes/s3rver/lib/utils.js') as { xmlBodyParser(ctx: Context): Promise<void> };
const { aws4SignatureBodyParser } = require('@20minutes/s3rver/lib/signature/v4.js') as { aws4SignatureBodyParser(ctx: Context): void };
const { DUMMY_ACCOUNT } = require('@20minutes/s3rver/lib/models/account.js') as { DUMMY_ACCOUNT: { id: number; displayName: string } };

/** Puts the multipart middleware just before s3rver's router; call it before `run()`. */
export function addMultipartRules(server: { middleware: unknown[] }): void {
  const last = server.middleware.at(-1) as { router?: unknown } | undefined;
  if (!last?.router) throw new Error('@20minutes/s3rver changed: its router is no longer its last middleware');
  server.middleware.splice(server.middleware.length - 1, 0, multipartMiddleware);
}

type Operation = 'UploadPart' | 'CompleteMultipartUpload' | 'AbortMultipartUpload' | 'ListMultipartUploads';
interface Target {
  operation: Operation;
  bucket: string;
  key: string;
}

async function multipartMiddleware(ctx: Context, next: () => Promise<void>): Promise<void> {
  const target = targetOf(ctx);
  if (!target) return next();
  ctx.params = target.key ? { bucket: target.bucket, key: target.key } : { bucket: target.bucket };
  await authentication(ctx, async () => {
    // s3rver lets unsigned requests through; R2's S3 API answers them 403.
    if (!ctx.state.account) throw new S3Error('AccessDenied', 'Access Denied');
    if (!(await ctx.store.getBucket(target.bucket))) throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: target.bucket });
    await HANDLERS[target.operation](ctx, target);
  });
}

function targetOf(ctx: Context): Target | null {
  const [, bucket = '', ...rest] = ctx.path.split('/');
  let key: string;
  try {
    key = decodeURIComponent(rest.join('/'));
  } catch {
    return null;
  }
  if (!bucket) return null;
  if (!key) return ctx.method === 'GET' && 'uploads' in ctx.query ? { operation: 'ListMultipartUploads', bucket, key } : null;
  if (!('uploadId' in ctx.query)) return null;
  switch (ctx.method) {
    case 'PUT':
      // UploadPartCopy stays s3rver's.
      return 'x-amz-copy-source' in ctx.headers ? null : { operation: 'UploadPart', bucket, key };
    case 'POST':
      return { operation: 'CompleteMultipartUpload', bucket, key };
    case 'DELETE':
      return { operation: 'AbortMultipartUpload', bucket, key };
    default:
      return null;
  }
}

const HANDLERS: Record<Operation, (ctx: Context, target: Target) => Promise<void>> = {
  async UploadPart(ctx, { bucket, key }) {
    const upload = await openUpload(ctx, bucket, key);
    refuseIf(partNumberRefusal(ctx.query.partNumber));
    refuseIf(partSizeRefusal(Number(ctx.get('x-amz-decoded-content-length') || ctx.get('content-length'))));
    const number = Number(ctx.query.partNumber);
    aws4SignatureBodyParser(ctx);
    // Written aside and renamed once checked: a refused body never replaces a part already uploaded.
    const incoming = join(upload.dir, `${number}.${randomUUID()}.incoming`);
    const md5 = createHash('md5');
    const sha256 = createHash('sha256');
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        md5.update(chunk);
        sha256.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(ctx.request.body as Readable, hashing, createWriteStream(incoming));
      refuseIf(contentSha256Refusal(ctx.get('x-amz-content-sha256'), sha256.digest('hex')));
      const etag = md5.digest('hex');
      await rename(incoming, join(upload.dir, String(number)));
      await writeFile(join(upload.dir, `${number}.md5`), etag);
      ctx.etag = etag;
      ctx.body = '';
    } finally {
      await rm(incoming, { force: true });
    }
  },

  async CompleteMultipartUpload(ctx, { bucket, key }) {
    const upload = await openUpload(ctx, bucket, key);
    await xmlBodyParser(ctx);
    const document = ctx.request.body as { CompleteMultipartUpload?: { Part?: unknown } } | undefined;
    const listed = [document?.CompleteMultipartUpload?.Part ?? []].flat().map((part) => {
      const { PartNumber, ETag } = (part ?? {}) as { PartNumber?: unknown; ETag?: unknown };
      return { number: Number(PartNumber), etag: String(ETag ?? '') };
    });
    if (!listed.length) throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
    refuseIf(completionRefusal(listed, await storedParts(upload.dir, listed)));
    await ctx.store.putObjectMultipart(bucket, upload.id, listed.map((part) => ({ number: part.number, etag: bareEtag(part.etag) })));
    // As R2 and S3: the joined object's ETag is the md5 of the parts' md5s and their count.
    const etag = multipartEtag(listed.map((part) => part.etag));
    await writeFile(ctx.store.getResourcePath(bucket, key, 'object.md5'), etag);
    ctx.body = { CompleteMultipartUploadResult: { Location: ctx.href.split('?')[0], Bucket: bucket, Key: key, ETag: JSON.stringify(etag) } };
  },

  async AbortMultipartUpload(ctx, { bucket, key }) {
    const upload = await openUpload(ctx, bucket, key);
    await rm(upload.dir, { recursive: true, force: true });
    ctx.status = 204;
  },

  /** Every in-progress upload under `prefix`, by key then age; not paged (a local bucket holds a handful). */
  async ListMultipartUploads(ctx, { bucket }) {
    const root = ctx.store.getResourcePath(bucket, undefined, 'uploads');
    const prefix = typeof ctx.query.prefix === 'string' ? ctx.query.prefix : '';
    const ids = await readdir(root).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
    const found = await Promise.all(
      ids.map(async (id) => {
        const keyFile = join(root, id, 'key');
        const [key, info] = await Promise.all([readFile(keyFile, 'utf8'), stat(keyFile)]).catch(() => [null, null] as const);
        return key !== null && info !== null && key.startsWith(prefix) ? [{ id, key, initiated: info.mtime }] : [];
      }),
    );
    const uploads = found.flat().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.initiated.getTime() - b.initiated.getTime()));
    const account = { ID: DUMMY_ACCOUNT.id, DisplayName: DUMMY_ACCOUNT.displayName };
    ctx.body = {
      ListMultipartUploadsResult: {
        Bucket: bucket,
        KeyMarker: '',
        UploadIdMarker: '',
        Prefix: prefix,
        MaxUploads: 1000,
        IsTruncated: false,
        Upload: uploads.map((u) => ({ Key: u.key, UploadId: u.id, Initiator: account, Owner: account, StorageClass: 'STANDARD', Initiated: u.initiated.toISOString() })),
      },
    };
  },
};

/** The upload `?uploadId=` names, if it is in progress for this key; else NoSuchUpload, as S3 answers. */
async function openUpload(ctx: Context, bucket: string, key: string): Promise<{ id: string; dir: string }> {
  const id = typeof ctx.query.uploadId === 'string' ? ctx.query.uploadId : '';
  // s3rver's ids are 32 hex digits; anything else cannot name one (nor a path outside the uploads).
  const dir = /^[0-9a-f]{32}$/.test(id) ? join(ctx.store.getResourcePath(bucket, undefined, 'uploads'), id) : null;
  const uploadedKey = dir ? await readFile(join(dir, 'key'), 'utf8').catch(() => null) : null;
  if (!dir || uploadedKey !== key) {
    throw new S3Error('NoSuchUpload', 'The specified multipart upload does not exist. The upload ID might not be valid, or the multipart upload might have been aborted or completed.', { UploadId: id });
  }
  return { id, dir };
}

async function storedParts(dir: string, listed: readonly ListedPart[]): Promise<Map<number, StoredPart>> {
  const stored = new Map<number, StoredPart>();
  for (const { number } of listed) {
    if (!Number.isSafeInteger(number) || number < 1) continue;
    const file = join(dir, String(number));
    const part = await Promise.all([stat(file), readFile(`${file}.md5`, 'utf8')]).catch(() => null);
    if (part) stored.set(number, { size: part[0].size, etag: part[1] });
  }
  return stored;
}

function refuseIf(refusal: S3Refusal | null): void {
  if (!refusal) return;
  const err = new S3Error(refusal.code, refusal.message, refusal.detail);
  // s3rver's table of statuses lacks some codes (XAmzContentSHA256Mismatch).
  err.status = refusal.status;
  err.expose = refusal.status < 500;
  throw err;
}
