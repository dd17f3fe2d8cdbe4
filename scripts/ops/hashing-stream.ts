// A pass-through stream that hashes (sha256) and counts what flows through it: the dump written by
// pg_dump and the backup downloaded from R2 are both checked this way without a second read of the file.
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

export function hashingStream(onProgress?: (bytes: number) => void): { stream: Transform; result(): { size: number; sha256: string } } {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      onProgress?.(size);
      done(null, chunk);
    },
  });
  return { stream, result: () => ({ size, sha256: hash.digest('hex') }) };
}
