// Keycloak's redirect-URI matching (RedirectUtils): exact match, or a registered value ending in "*" that
// matches by prefix, ignoring the candidate's query and fragment. Pure so it is tested on its own.

/** True when `candidate` is allowed by one of the registered Keycloak patterns. */
export function matchesKeycloakRedirect(candidate: string, registered: readonly string[]): boolean {
  if (!isSafeRedirect(candidate)) return false;
  return registered.some((pattern) => matchesOne(candidate, pattern));
}

function matchesOne(candidate: string, pattern: string): boolean {
  if (pattern === '*') return true;
  if (!pattern.endsWith('*') || pattern.includes('?')) return candidate === pattern;
  const cut = candidate.search(/[?#]/);
  const withoutQuery = cut === -1 ? candidate : candidate.slice(0, cut);
  const prefix = pattern.slice(0, -1);
  if (withoutQuery.startsWith(prefix)) return true;
  // "https://app/*" also allows "https://app" itself.
  return prefix.endsWith('/') && withoutQuery === prefix.slice(0, -1);
}

// Keycloak refuses URIs that a prefix check could be fooled by: user-info tricks ("https://app@evil"),
// dot segments ("/../"), backslashes and encoded dots or slashes.
function isSafeRedirect(candidate: string): boolean {
  const url = URL.parse(candidate);
  if (!url || url.username || url.password) return false;
  if (candidate.includes('\\') || /%2e|%2f|%5c/i.test(candidate)) return false;
  const rawPath = candidate.slice(url.origin.length).split(/[?#]/)[0] ?? '';
  return !rawPath.split('/').some((segment) => segment === '..' || segment === '.');
}
