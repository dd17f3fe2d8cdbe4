// Who a user is, as the edge understands a Keycloak token and as it tells origins.
import { z } from 'zod';
import { PLANS, planFromGroups, type Plan } from './plan-matrix.ts';

/** The identity the edge derives once from a validated token and carries in its session and assertion. */
export const IdentitySchema = z.object({
  sub: z.string().min(1).max(255),
  username: z.string().max(255),
  email: z.string().max(320),
  /**
   * Whether the identity provider has proven the user reads `email` (Keycloak's `email_verified`). Billing
   * follows the email address, so the portal acts on it only when verified. Sessions and assertions made
   * before this field existed read as unverified.
   */
  emailVerified: z.boolean().default(false),
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
  email_verified: z.boolean().optional(),
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
    // Only a verified claim about this very address counts; an absent one is not a yes.
    emailVerified: c.email !== undefined && c.email_verified === true,
    name,
    plan,
    groups,
    roles: c.realm_access?.roles ?? [],
  };
  const checked = IdentitySchema.safeParse(identity);
  return checked.success ? checked.data : null;
}
