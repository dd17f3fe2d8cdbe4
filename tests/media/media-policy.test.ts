// The upload policy table: which types, how big per plan, how each is served back.
import { describe, expect, it } from 'vitest';
import {
  checkUpload,
  contentDisposition,
  DEFAULT_PLAN_CAPS,
  formatBytes,
  isInlineSafe,
  MEDIA_TYPES,
  normalizeContentType,
  uploadCapFor,
} from '#shared/media-policy';

const MiB = 1024 * 1024;

describe('the upload allow-list', () => {
  it.each([
    'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain', 'text/markdown', 'text/csv',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/vnd.ms-excel',
    'application/vnd.oasis.opendocument.text', 'video/mp4', 'video/webm',
  ])('accepts %s', (type) => {
    expect(checkUpload({ contentType: type, size: 1, capBytes: MiB })).toBeNull();
  });

  it.each(['text/html', 'image/svg+xml', 'application/xhtml+xml', 'application/javascript', 'text/javascript', 'application/x-msdownload', 'application/octet-stream', ''])(
    'refuses %s',
    (type) => {
      expect(checkUpload({ contentType: type, size: 1, capBytes: MiB })).toMatchObject({ reason: 'type_not_allowed' });
    },
  );

  it('compares types without case or parameters', () => {
    expect(normalizeContentType('Image/PNG; charset=binary')).toBe('image/png');
    expect(checkUpload({ contentType: 'IMAGE/PNG', size: 1, capBytes: MiB })).toBeNull();
  });

  it('does not mistake object prototype names for types', () => {
    expect(checkUpload({ contentType: 'constructor', size: 1, capBytes: MiB })).toMatchObject({ reason: 'type_not_allowed' });
    expect(checkUpload({ contentType: '__proto__', size: 1, capBytes: MiB })).toMatchObject({ reason: 'type_not_allowed' });
  });

  it('gives every type at least one extension', () => {
    for (const [type, entry] of Object.entries(MEDIA_TYPES)) expect(entry.extensions.length, type).toBeGreaterThan(0);
  });
});

describe('upload size caps', () => {
  it('are 10 MB for STARTER, 100 MB for PRO, 1 GB for ENTERPRISE', () => {
    expect(DEFAULT_PLAN_CAPS).toEqual({ STARTER: 10 * MiB, PRO: 100 * MiB, ENTERPRISE: 1024 * MiB });
    expect(uploadCapFor('STARTER', false)).toBe(10 * MiB);
    expect(uploadCapFor('PRO', false)).toBe(100 * MiB);
  });

  it('give platform admins without a plan the largest cap, and nobody else without a plan any', () => {
    expect(uploadCapFor(null, true)).toBe(1024 * MiB);
    expect(uploadCapFor(null, false)).toBeNull();
    expect(checkUpload({ contentType: 'image/png', size: 1, capBytes: null })).toEqual({ reason: 'no_plan' });
  });

  it('allow exactly the cap and refuse one byte more, and refuse empty files', () => {
    expect(checkUpload({ contentType: 'image/png', size: 10 * MiB, capBytes: 10 * MiB })).toBeNull();
    expect(checkUpload({ contentType: 'image/png', size: 10 * MiB + 1, capBytes: 10 * MiB })).toEqual({ reason: 'over_plan_cap', capBytes: 10 * MiB });
    expect(checkUpload({ contentType: 'image/png', size: 0, capBytes: 10 * MiB })).toEqual({ reason: 'empty_file' });
  });

  it('read as people write them', () => {
    expect(formatBytes(10 * MiB)).toBe('10 MB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(12)).toBe('12 bytes');
  });
});

describe('how files are served back', () => {
  it('shows raster images inline and downloads everything else', () => {
    expect(isInlineSafe('image/png')).toBe(true);
    expect(isInlineSafe('image/jpeg')).toBe(true);
    expect(isInlineSafe('application/pdf')).toBe(false);
    expect(isInlineSafe('video/mp4')).toBe(false);
    expect(isInlineSafe('text/plain')).toBe(false);
  });

  it('never shows HTML or SVG inline', () => {
    expect(isInlineSafe('text/html')).toBe(false);
    expect(isInlineSafe('image/svg+xml')).toBe(false);
    expect(contentDisposition('image/svg+xml', 'x.svg')).toMatch(/^attachment;/);
  });

  it('names the file for old and new clients, with an ASCII fallback', () => {
    expect(contentDisposition('image/png', 'photo.png')).toBe(`inline; filename="photo.png"; filename*=UTF-8''photo.png`);
    expect(contentDisposition('application/pdf', 'Café-日本.pdf')).toBe(
      `attachment; filename="Caf_-__.pdf"; filename*=UTF-8''Caf%C3%A9-%E6%97%A5%E6%9C%AC.pdf`,
    );
  });
});
