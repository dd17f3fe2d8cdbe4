// A byte range of the dump file, read from disk for each use so memory stays bounded whatever the dump's
// size: its sha256 (which signs the request that sends it), and a body that streams it.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

/** The sha256 of bytes [start, end), also fed to `alsoInto` (the whole file's hash, part after part). */
export async function hashRange(file: string, start: number, end: number, alsoInto?: Hash): Promise<string> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of read(file, start, end)) {
    hash.update(chunk);
    alsoInto?.update(chunk);
    size += chunk.length;
  }
  if (size !== end - start) throw new Error(`${file}: ${size} bytes where ${end - start} were expected from byte ${start} on (the file shrank)`);
  return hash.digest('hex');
}

/** Bytes [start, end) as a request body; `onProgress` gets the bytes read so far. A read error fails the request. */
export function rangeBody(file: string, start: number, end: number, onProgress?: (bytes: number) => void): ReadableStream<Uint8Array> {
  async function* counted(): AsyncGenerator<Buffer> {
    let total = 0;
    for await (const chunk of read(file, start, end)) {
      total += chunk.length;
      onProgress?.(total);
      yield chunk;
    }
  }
  return Readable.toWeb(Readable.from(counted())) as ReadableStream<Uint8Array>;
}

function read(file: string, start: number, end: number): AsyncIterable<Buffer> {
  // An empty range would read to the end of the file: createReadStream's `end` is inclusive.
  if (end <= start) return Readable.from([]);
  return createReadStream(file, { start, end: end - 1 });
}
