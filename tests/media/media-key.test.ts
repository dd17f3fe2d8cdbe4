// Upload keys are chosen by the server; a filename can only ever shape one safe, bounded last segment.
import { describe, expect, it } from 'vitest';
import { buildUploadKey, MAX_FILENAME_BYTES, parseUploadKey, sanitizeFilename, uploadsPrefix } from '#shared/media-key';

const PNG = ['png'];
const at = new Date(Date.UTC(2026, 3, 26, 10, 0, 0));
const rid = '0123456789abcdef0123456789abcdef';
const key = (filename: string, exts = PNG) => buildUploadKey({ instanceId: 'instance1', filename, allowedExtensions: exts, randomId: rid, now: at });
const utf8 = (s: string) => new TextEncoder().encode(s).length;

describe('upload keys', () => {
  it('are built under the instance uploads prefix with year, month and the random id', () => {
    expect(key('holiday.png')).toBe(`tenants/instance1/uploads/2026/04/${rid}/holiday.png`);
  });

  it('keep only the last part of a path, so ../ cannot climb out of the key', () => {
    expect(key('../../../tenants/instance2/uploads/x.png')).toBe(`tenants/instance1/uploads/2026/04/${rid}/x.png`);
    expect(key('..\\..\\windows\\evil.png')).toMatch(/\/evil\.png$/);
    expect(sanitizeFilename('..', PNG)).toBe('file.png');
    expect(sanitizeFilename('../', PNG)).toBe('file.png');
  });

  it('drop NUL, control and bidi-override characters', () => {
    expect(sanitizeFilename('a\u0000b\u0007c.png', PNG)).toBe('abc.png');
    // U+202E would display "photo\u202Egnp.exe" as "photoexe.png".
    expect(sanitizeFilename('photo\u202Egnp.exe', PNG)).toBe('photognp-exe.png');
    expect(sanitizeFilename('line\nbreak.png', PNG)).toBe('linebreak.png');
  });

  it('give empty and dot-only names a neutral stem', () => {
    expect(sanitizeFilename('', PNG)).toBe('file.png');
    expect(sanitizeFilename('.', PNG)).toBe('file.png');
    expect(sanitizeFilename('....', PNG)).toBe('file.png');
    expect(sanitizeFilename('.png', PNG)).toBe('png.png');
    expect(sanitizeFilename('   ', PNG)).toBe('file.png');
  });

  it('keep letters of every script, composed (NFC)', () => {
    expect(sanitizeFilename('Cafe\u0301 été 日本語 фото.png', PNG)).toBe('Café-été-日本語-фото.png');
  });

  it('bound very long names in UTF-8 bytes without splitting a character, keeping the extension', () => {
    const long = sanitizeFilename(`${'é'.repeat(500)}.png`, PNG);
    expect(utf8(long)).toBeLessThanOrEqual(MAX_FILENAME_BYTES);
    expect(long.endsWith('.png')).toBe(true);
    expect(long).not.toContain('\uFFFD');
    expect(utf8(key('x'.repeat(5000)))).toBeLessThan(1024);
  });

  it('append the type extension when the name has none or a foreign one, and flatten double extensions', () => {
    expect(sanitizeFilename('report', ['pdf'])).toBe('report.pdf');
    expect(sanitizeFilename('page.html', ['txt', 'log'])).toBe('page-html.txt');
    expect(sanitizeFilename('shell.php.png', PNG)).toBe('shell-php.png');
    expect(sanitizeFilename('PHOTO.PNG', PNG)).toBe('PHOTO.png');
    expect(sanitizeFilename('notes.log', ['txt', 'log'])).toBe('notes.log');
  });

  it('never produce a name Windows refuses to save', () => {
    expect(sanitizeFilename('CON.txt', ['txt'])).toBe('file-CON.txt');
    expect(sanitizeFilename('nul.png', PNG)).toBe('file-nul.png');
  });

  it('refuse a random id that is not lower-case alphanumerics of sane length', () => {
    expect(() => buildUploadKey({ instanceId: 'instance1', filename: 'a.png', allowedExtensions: PNG, randomId: '../x', now: at })).toThrow(TypeError);
    expect(() => buildUploadKey({ instanceId: 'instance1', filename: 'a.png', allowedExtensions: PNG, randomId: 'short', now: at })).toThrow(TypeError);
  });
});

describe('parsing a requested key', () => {
  it('accepts a key built for this instance', () => {
    const k = key('Ünïcode photo.png');
    expect(parseUploadKey(k, 'instance1')).toEqual({ key: k, filename: 'Ünïcode-photo.png' });
  });

  it("refuses another instance's key, a backup, and anything not shaped like an upload key", () => {
    const k = key('a.png');
    expect(parseUploadKey(k, 'instance2')).toBeNull();
    expect(parseUploadKey('tenants/instance1/backups/2026-04-26.sql.gz', 'instance1')).toBeNull();
    expect(parseUploadKey(`${uploadsPrefix('instance1')}2026/04/${rid}/../../x.png`, 'instance1')).toBeNull();
    expect(parseUploadKey(`${uploadsPrefix('instance1')}2026/13/${rid}/a.png`, 'instance1')).toBeNull();
    expect(parseUploadKey(`${uploadsPrefix('instance1')}2026/04/${rid}/a b.png`, 'instance1')).toBeNull();
    expect(parseUploadKey(`${uploadsPrefix('instance1')}2026/04/${rid}/x/a.png`, 'instance1')).toBeNull();
    expect(parseUploadKey(`tenants/instance1x/uploads/2026/04/${rid}/a.png`, 'instance1')).toBeNull();
    expect(parseUploadKey(`${uploadsPrefix('instance1')}2026/04/${rid}/.htaccess`, 'instance1')).toBeNull();
  });
});
