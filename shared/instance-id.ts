// Instance ids double as subdomains, database names and R2 prefixes, so they are kept to a safe shape.

export const INSTANCE_ID_PATTERN = /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/;

/** Hosts that are never instances, whatever the registry says. */
export const RESERVED_SUBDOMAINS = ['app', 'sso', 'www', 'api', 'admin', 'static', 'media'] as const;

/**
 * Ids that are never instances: the reserved hosts, and `portal`, the portal origin's assertion audience
 * (an instance of that name would accept the portal's assertions, and the portal its).
 */
export const RESERVED_INSTANCE_IDS: readonly string[] = [...RESERVED_SUBDOMAINS, 'portal'];

export function isValidInstanceId(id: string): boolean {
  return INSTANCE_ID_PATTERN.test(id) && !RESERVED_INSTANCE_IDS.includes(id);
}
