// Database URLs carry passwords: anything the CLI prints about a database goes through here first.

/** The URL without its user info ("postgres://***@host:5432/db"); a string that is not a URL is hidden whole. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(unparseable URL)';
  }
  // "user:pw@host" parses as an opaque URL of scheme "user:" and would print the password back.
  if (parsed.host === '') return '(unparseable URL)';
  const hadUserInfo = parsed.username !== '' || parsed.password !== '';
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  const text = parsed.toString();
  return hadUserInfo ? text.replace('//', '//***@') : text;
}

/**
 * A message with the URL's password (raw and percent-decoded) and the URL itself blanked out, and any
 * other secret value given (the bucket's secret key) wherever it appears.
 */
export function redactSecrets(message: string, url: string, otherSecrets: readonly string[] = []): string {
  let out = message.split(url).join(redactUrl(url));
  for (const secret of otherSecrets) if (secret) out = out.split(secret).join('***');
  try {
    const { password } = new URL(url);
    for (const secret of new Set([password, safeDecode(password)])) {
      if (secret) out = out.split(secret).join('***');
    }
  } catch {
    // Not a URL: nothing more to find in it.
  }
  return out;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
