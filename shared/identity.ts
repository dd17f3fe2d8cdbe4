// Who a user is, as the edge understands a Keycloak token and as it tells origins.
import { z } from 'zod';
import { PLANS, planFromGroups, type Plan } from './plan-matrix.ts';

/** The identity the edge derives once from a validated token and carries in its session and assertion. */
export const IdentitySchema = z.object({
  sub: z.string().min(1).max(255),
  username: z.string().max(255),
  email: z.string().max(320),
  name: z.string().max(255),
  plan: z.enum(PLANS).nullable(),
  groups: z.array(z.string().max(255)).max(100),
  roles: z.array(z.string().max(255)).max(100),
});
export type Identity = z.infer<typeof IdentitySchema>;

/**
 * The subset of Keycloak access-token claims we read. Keycloak puts realm roles under
 * `realm_access.roles` and group memberships under `groups` (when the groups mapper is on).
 */
export const KeycloakClaimsSchema = z.object({
  sub: z.string().min(1),
  preferred_username: z.string().optional(),
  email: z.string().optional(),
  name: z.string().optional(),
  given_name: z.string().optional(),
  family_name: z.string().optional(),
  groups: z.array(z.string()).optional(),
  realm_access: z.object({ roles: z.array(z.string()).optional() }).optional(),
});

export function identityFromKeycloakClaims(claims: unknown): Identity | null {
  const parsed = KeycloakClaimsSchema.safeParse(claims);
  if (!parsed.success) return null;
  const c = parsed.data;
  const groups = c.groups ?? [];
  const plan: Plan | null = planFromGroups(groups);
  const username = c.preferred_username ?? c.sub;
  const name = c.name ?? ([c.given_name, c.family_name].filter(Boolean).join(' ') || username);
  const identity = {
    sub: c.sub,
    username,
    email: c.email ?? '',
    name,
    plan,
    groups,
    roles: c.realm_access?.roles ?? [],
  };
  const checked = IdentitySchema.safeParse(identity);
  return checked.success ? checked.data : null;
}
