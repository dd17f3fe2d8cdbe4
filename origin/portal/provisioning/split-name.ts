// Keycloak keeps a first and a last name; Stripe collects one "name". Pure, so the split is tested alone.

/** Keycloak's default user profile caps both names at 255 characters. */
const MAX_NAME_LENGTH = 255;

/** First word as firstName, the rest as lastName; nothing for an empty or missing name. */
export function splitName(name: string | null): { firstName?: string; lastName?: string } {
  const words = (name ?? '').trim().split(/\s+/).filter(Boolean);
  const [first, ...rest] = words;
  if (!first) return {};
  const cap = (value: string) => [...value].slice(0, MAX_NAME_LENGTH).join('');
  return rest.length > 0 ? { firstName: cap(first), lastName: cap(rest.join(' ')) } : { firstName: cap(first) };
}
