// The upload description is read with a byte budget: a body sent without Content-Length (chunked) must
// not be read whole into the isolate, where a few hundred MB would end every request it serves.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_MATRIX } from '#shared/plan-matrix';
import { createMediaEdge, type MediaCaller } from '../../edge/media/media-handler.ts';

const caller: MediaCaller = {
  identity: { sub: 'u-1', username: 'pat', email: 'pat@example.test', name: 'Pat', plan: 'PRO', groups: ['/PRO'], roles: [] },
  instanceId: 'instance1',
  requestId: 'rid-limit',
};

function handler(origin: string[]) {
  return createMediaEdge({
    storage: { ok: true, settings: { endpoint: 'http://127.0.0.1:9', bucket: 'media', region: 'auto', accessKeyId: 'k', secretAccessKey: 's' } },
    planMatrix: DEFAULT_PLAN_MATRIX,
    callOrigin: async (_caller, path) => {
      origin.push(path);
      return Response.json({ error: { code: 'forbidden', message: 'test origin refuses' } }, { status: 403 });
    },
  });
}

/** A body of `total` bytes that counts how much of it the reader pulled. */
function countingBody(total: number, chunk = 64 * 1024) {
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      counter.pulled += chunk;
      controller.enqueue(new Uint8Array(chunk).fill(0x20));
      if (counter.pulled >= total) controller.close();
    },
  });
  return { stream, counter };
}

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request('http://instance1.wikiplatform.localhost/_media/uploads', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    duplex: 'half',
  } as RequestInit);

describe('upload description size', () => {
  it('stops reading a description sent without a length once it passes 8 KiB, and answers 413', async () => {
    const calls: string[] = [];
    const { stream, counter } = countingBody(64 * 1024 * 1024);
    const res = await handler(calls)(post(stream), caller);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string; requestId: string } }).error).toMatchObject({ code: 'payload_too_large', requestId: 'rid-limit' });
    expect(counter.pulled).toBeLessThan(1024 * 1024);
    expect(calls).toEqual([]);
  });

  it('refuses a declared length over 8 KiB with 413 before reading', async () => {
    const calls: string[] = [];
    const { stream, counter } = countingBody(64 * 1024);
    const res = await handler(calls)(post(stream, { 'content-length': String(64 * 1024) }), caller);
    expect(res.status).toBe(413);
    expect(counter.pulled).toBeLessThanOrEqual(64 * 1024);
    expect(calls).toEqual([]);
  });

  it('still reads a small description sent in chunks and asks the origin about it', async () => {
    const calls: string[] = [];
    const text = JSON.stringify({ filename: 'a.png', contentType: 'image/png', size: 10 });
    const bytes = new TextEncoder().encode(text);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 5));
        controller.enqueue(bytes.slice(5));
        controller.close();
      },
    });
    const res = await handler(calls)(post(stream), caller);
    expect(res.status).toBe(403);
    expect(calls).toHaveLength(1);
  });
});
