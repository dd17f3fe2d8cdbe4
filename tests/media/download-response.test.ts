// What a browser gets for a stored object, whatever storage says about it.
import { describe, expect, it } from 'vitest';
import { downloadResponse, MEDIA_CSP } from '../../edge/media/object-download.ts';

const stored = (status: number, headers: Record<string, string>, body: string | null = 'x') => new Response(body, { status, headers });

describe('download responses', () => {
  it('serve a document type that slipped into storage as bytes to download, never as a page', () => {
    for (const type of ['text/html; charset=utf-8', 'image/svg+xml', 'application/xhtml+xml', 'text/javascript']) {
      const out = downloadResponse(stored(200, { 'content-type': type }), 'x.png');
      expect(out.ok).toBe(true);
      if (!out.ok) continue;
      expect(out.response.headers.get('content-type')).toBe('application/octet-stream');
      expect(out.response.headers.get('content-disposition')).toMatch(/^attachment;/);
      expect(out.response.headers.get('content-security-policy')).toBe(MEDIA_CSP);
      expect(out.response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('pass ranges and validators through, and drop storage headers that are not ours to forward', () => {
    const out = downloadResponse(
      stored(206, { 'content-type': 'video/mp4', 'content-range': 'bytes 0-0/9', 'content-length': '1', etag: '"abc"', 'x-amz-request-id': 'r', 'set-cookie': 'a=b' }),
      'v.mp4',
    );
    if (!out.ok) throw new Error('expected a response');
    expect(out.response.status).toBe(206);
    expect(out.response.headers.get('content-range')).toBe('bytes 0-0/9');
    expect(out.response.headers.get('etag')).toBe('"abc"');
    expect(out.response.headers.get('x-amz-request-id')).toBeNull();
    expect(out.response.headers.get('set-cookie')).toBeNull();
  });

  it('treat a missing object, or one storage will not show, as missing; other failures as storage errors', () => {
    expect(downloadResponse(stored(404, {}), 'a.png')).toEqual({ ok: false, reason: 'missing', status: 404 });
    expect(downloadResponse(stored(403, {}), 'a.png')).toEqual({ ok: false, reason: 'missing', status: 403 });
    expect(downloadResponse(stored(500, {}), 'a.png')).toEqual({ ok: false, reason: 'storage_error', status: 500 });
  });
});
