// zod schemas for what callers send the admin API: query strings and JSON bodies, with Keycloak's defaults.
import { z } from 'zod';
import { EMAIL_ACTION_NAMES } from './actions-email.ts';

/** Required actions the local realm has enabled: the ones a link or the sign-in flow can carry out. */
export const SUPPORTED_REQUIRED_ACTIONS = Object.keys(EMAIL_ACTION_NAMES);

const bool = z.enum(['true', 'false']).transform((value) => value === 'true');
const count = z.string().regex(/^\d{1,9}$/, 'must be a non-negative integer').transform(Number);

export const UserQuerySchema = z.object({
  search: z.string().optional(),
  username: z.string().optional(),
  email: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  exact: bool.optional(),
  enabled: bool.optional(),
  emailVerified: bool.optional(),
  briefRepresentation: bool.default(false),
  first: count.default(0),
  max: count.optional(),
});

export const GroupQuerySchema = z.object({
  search: z.string().optional(),
  exact: bool.default(false),
  // Keycloak lists groups briefly unless asked otherwise.
  briefRepresentation: bool.default(true),
  first: count.default(0),
  max: count.optional(),
});

export const UserGroupsQuerySchema = GroupQuerySchema.omit({ exact: true });

export const ActionsEmailQuerySchema = z.object({
  client_id: z.string().min(1).optional(),
  redirect_uri: z.string().min(1).optional(),
  lifespan: z.string().regex(/^\d{1,9}$/, 'must be a positive number of seconds').transform(Number).refine((n) => n > 0, 'must be a positive number of seconds').optional(),
});

export const ActionsBodySchema = z.array(z.string());

/**
 * Keycloak's default user profile validates first and last names with person-name-prohibited-characters:
 * none of <>&"$%!#?§;*~/\|^=[]{}() and no control characters (PersonNameProhibitedCharactersValidator).
 */
const PERSON_NAME = /^[^<>&"\v$%!#?§;*~/\\|^=[\]{}()\p{Cc}]*$/u;
const personName = z.string().max(255).regex(PERSON_NAME, { error: 'error-person-name-invalid-character' });

/**
 * The part of Keycloak's UserRepresentation a creation may carry. Unknown fields are ignored as Keycloak
 * ignores them; credentials are refused because the local IdP sets passwords only through the emailed link.
 */
export const NewUserBodySchema = z.looseObject({
  username: z.string().trim().min(1).max(255).optional(),
  email: z.email({ error: 'error-invalid-email' }).max(254).optional(),
  firstName: personName.optional(),
  lastName: personName.optional(),
  enabled: z.boolean().default(false),
  emailVerified: z.boolean().default(false),
  requiredActions: z.array(z.string()).default([]),
  /** Group paths, e.g. "/PRO". */
  groups: z.array(z.string()).default([]),
  credentials: z.array(z.unknown()).max(0, 'credentials are not supported by the local IdP: send an execute-actions email with UPDATE_PASSWORD').optional(),
});
export type NewUserBody = z.infer<typeof NewUserBodySchema>;

/**
 * The part of a UserRepresentation an update may carry (Keycloak's PUT /users/{id}). Absent fields are
 * left as they are, as Keycloak does; the username cannot change (the realm has editUsernameAllowed off).
 */
export const UserUpdateBodySchema = z.looseObject({
  username: z.string().trim().min(1).max(255).optional(),
  email: z.email({ error: 'error-invalid-email' }).max(254).optional(),
  firstName: personName.optional(),
  lastName: personName.optional(),
  enabled: z.boolean().optional(),
  emailVerified: z.boolean().optional(),
  requiredActions: z.array(z.string()).optional(),
  credentials: NewUserBodySchema.shape.credentials,
});
