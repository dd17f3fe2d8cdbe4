// Reads a request body as text up to a size limit, whether or not it declares its length. (hono's bodyLimit
// rebuilds the Request, which @hono/node-server's request objects refuse when globals are not overridden.)

/** The body as UTF-8 text, or null when it is larger than `maxBytes` (the rest is not read). */
export async function readLimitedText(request: Request, maxBytes: number): Promise<string | null> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) return null;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
