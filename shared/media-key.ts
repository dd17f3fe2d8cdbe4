// Object keys for uploads: `tenants/<instance>/uploads/<yyyy>/<mm>/<random id>/<sanitised filename>`.
// The server chooses every part; the client's filename only contributes a cleaned, bounded last segment.
// Pure: the random id and the clock are passed in.

/** Longest filename segment, in UTF-8 bytes (S3 keys are at most 1024 bytes; this keeps keys well under). */
export const MAX_FILENAME_BYTES = 120;
const RANDOM_ID_PATTERN = /^[a-z0-9]{16,64}$/;
const FALLBACK_STEM = 'file';
// Names Windows refuses for a file, whatever the extension; a downloaded "con.txt" would be unsaveable.
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/** Every upload of an instance lives under this prefix; nothing else of the tenant (backups, exports) does. */
export function uploadsPrefix(instanceId: string): string {
  return `tenants/${instanceId}/uploads/`;
}

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/** Cuts to at most `maxBytes` of UTF-8 without splitting a code point. */
function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of text) {
    bytes += utf8Length(ch.codePointAt(0)!);
    if (bytes > maxBytes) break;
    out += ch;
  }
  return out;
}

/**
 * One safe path segment from whatever a browser sent as a filename: no separators, no dot segments,
 * no control or bidi characters (an RLO can make "gpj.exe" read as "exe.jpg"), letters of any script
 * kept, bounded length, and an extension that fits the type (appended when missing or foreign, so
 * "page.html" uploaded as text/plain becomes "page-html.txt").
 */
export function sanitizeFilename(raw: string, allowedExtensions: readonly string[]): string {
  if (allowedExtensions.length === 0) throw new TypeError('allowedExtensions must name at least one extension');
  let name = raw.normalize('NFC');
  // Some browsers (old IE, some mobile) send a full client path; keep only the last part.
  name = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  name = name.replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}]/gu, '');
  const dot = name.lastIndexOf('.');
  const rawExt = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  const keepsExt = allowedExtensions.includes(rawExt);
  const ext = keepsExt ? rawExt : allowedExtensions[0]!;
  const rawStem = keepsExt ? name.slice(0, dot) : name;
  // Dots inside the stem go too: no "x.php.png" double extensions, no "." or ".." whatever the input.
  let stem = rawStem
    .replace(/[^\p{L}\p{M}\p{N}_-]+/gu, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  stem = truncateUtf8(stem, MAX_FILENAME_BYTES - ext.length - 1).replace(/[-_]+$/, '');
  if (!stem) stem = FALLBACK_STEM;
  if (WINDOWS_RESERVED.test(stem)) stem = `${FALLBACK_STEM}-${stem}`;
  return `${stem}.${ext}`;
}

export interface UploadKeyInput {
  instanceId: string;
  filename: string;
  allowedExtensions: readonly string[];
  /** Lower-case alphanumerics, 16–64 characters, from a CSPRNG: makes keys unguessable and unique. */
  randomId: string;
  now: Date;
}

export function buildUploadKey(input: UploadKeyInput): string {
  if (!RANDOM_ID_PATTERN.test(input.randomId)) throw new TypeError('randomId must be 16-64 lower-case alphanumerics');
  const yyyy = String(input.now.getUTCFullYear()).padStart(4, '0');
  const mm = String(input.now.getUTCMonth() + 1).padStart(2, '0');
  const name = sanitizeFilename(input.filename, input.allowedExtensions);
  return `${uploadsPrefix(input.instanceId)}${yyyy}/${mm}/${input.randomId}/${name}`;
}

export interface ParsedUploadKey {
  key: string;
  filename: string;
}

/**
 * Accepts only keys this module could have built for this instance: exact prefix, exact depth, a
 * filename segment that sanitising leaves unchanged. Anything else (another instance, backups,
 * `..`, encoded tricks) is null, and callers answer 404.
 */
export function parseUploadKey(key: string, instanceId: string): ParsedUploadKey | null {
  if (key.length > 1024) return null;
  const prefix = uploadsPrefix(instanceId);
  if (!key.startsWith(prefix)) return null;
  const parts = key.slice(prefix.length).split('/');
  if (parts.length !== 4) return null;
  const [yyyy, mm, randomId, filename] = parts as [string, string, string, string];
  if (!/^\d{4}$/.test(yyyy) || !/^(0[1-9]|1[0-2])$/.test(mm) || !RANDOM_ID_PATTERN.test(randomId)) return null;
  const dot = filename.lastIndexOf('.');
  if (dot <= 0) return null;
  if (sanitizeFilename(filename, [filename.slice(dot + 1)]) !== filename) return null;
  return { key, filename };
}

/** Path-style object URL (`<endpoint>/<bucket>/<key>`), each key segment percent-encoded as SigV4 expects. */
export function objectUrl(endpoint: string, bucket: string, key: string): string {
  const path = key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
  return `${endpoint.replace(/\/+$/, '')}/${encodeURIComponent(bucket)}/${path}`;
}
