// The subset of Keycloak's admin REST API (/admin/realms/<realm>/…) that provisioning uses, answering with
// Keycloak's status codes and bodies so @keycloak/keycloak-admin-client runs unchanged against it:
// users (search, create, read, update), groups (list, read), group membership, and execute-actions-email.
import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import type { AdminAuthenticator, AdminCaller } from './admin-auth.ts';
import { hasAdminPermission, type AdminPermission } from './admin-permissions.ts';
import { DEFAULT_MAX_RESULTS, findGroupById, matchesUserQuery, toGroupRepresentation, toUserRepresentation } from './admin-representations.ts';
import { ActionsBodySchema, ActionsEmailQuerySchema, GroupQuerySchema, NewUserBodySchema, SUPPORTED_REQUIRED_ACTIONS, UserGroupsQuerySchema, UserQuerySchema, UserUpdateBodySchema } from './admin-schemas.ts';
import type { ActionTokens } from './action-tokens.ts';
import { DEFAULT_ACTION_TOKEN_LIFESPAN_SECONDS } from './action-tokens.ts';
import { renderActionsEmail, type DeliverEmail } from './actions-email.ts';
import type { IdpLogger } from './idp-server.ts';
import type { Realm } from './realm.ts';
import { matchesKeycloakRedirect } from './redirect-uri-match.ts';
import { readLimitedText } from './read-limited-body.ts';
import type { IdpUser, UserChanges, UserStore } from './user-store.ts';

export interface AdminApiDeps {
  realm: Realm;
  users: UserStore;
  authenticate: AdminAuthenticator;
  actionTokens: ActionTokens;
  /** The public issuer: emailed links point there, as Keycloak's point at its frontend URL. */
  issuer: string;
  /** Without it, execute-actions-email fails as Keycloak does without SMTP settings. */
  deliverEmail?: DeliverEmail;
  log: IdpLogger;
}

type Env = { Variables: { caller: AdminCaller } };

const MAX_BODY_BYTES = 64 * 1024;
// Keycloak's wording for the errors its clients (and our ProvisioningError mapping) see.
const UNAUTHORIZED = { error: 'HTTP 401 Unauthorized' };
const FORBIDDEN = { error: 'HTTP 403 Forbidden' };
const USER_NOT_FOUND = { error: 'User not found' };
const GROUP_NOT_FOUND = { error: 'Group not found' };

export function createAdminApi(deps: AdminApiDeps): Hono<Env> {
  const { realm, users } = deps;
  // Not strict: the admin client asks for collections with a trailing slash (…/users/), which JAX-RS accepts.
  const app = new Hono<Env>({ strict: false }).basePath(`/admin/realms/${realm.name}`);

  app.onError((error, c) => {
    deps.log({ level: 'error', msg: 'idp admin request failed', path: c.req.path, error: error.message });
    return c.json({ error: 'unknown_error' }, 500);
  });
  app.notFound((c) => c.json({ error: 'HTTP 404 Not Found', error_description: 'not part of the admin API subset the local IdP implements (local/idp/admin-api.ts)' }, 404));

  // Keycloak authenticates before it routes: an unknown path with no token is a 401 too.
  app.use('*', async (c, next) => {
    const caller = await deps.authenticate(c.req.header('authorization'));
    if (!caller) return c.json(UNAUTHORIZED, 401, { 'www-authenticate': 'Bearer' });
    c.set('caller', caller);
    await next();
  });

  const denied = (c: Context<Env>, permission: AdminPermission) => (hasAdminPermission(c.var.caller.realmManagementRoles, permission) ? null : c.json(FORBIDDEN, 403));

  app.get('/users', (c) => {
    const refusal = denied(c, 'query-users');
    if (refusal) return refusal;
    const query = parse(UserQuerySchema, c.req.query());
    if (!query.success) return badRequest(c, query.error);
    // query-users alone lists only the users one may view, which without view-users is none (as Keycloak).
    if (!hasAdminPermission(c.var.caller.realmManagementRoles, 'view-users')) return c.json([]);
    const { first, max, briefRepresentation, ...filter } = query.data;
    const found = users
      .list()
      .filter((user) => matchesUserQuery(user, filter))
      .sort((a, b) => a.username.localeCompare(b.username))
      .slice(first, first + (max ?? DEFAULT_MAX_RESULTS));
    return c.json(found.map((user) => toUserRepresentation(user, briefRepresentation)));
  });

  app.post('/users', async (c) => {
    const refusal = denied(c, 'manage-users');
    if (refusal) return refusal;
    const body = await readJsonBody(c, NewUserBodySchema);
    if (body instanceof Response) return body;
    const { username, email, firstName, lastName, enabled, emailVerified, requiredActions, groups } = body.data;
    if (!username) return c.json({ field: 'username', errorMessage: 'error-user-attribute-required', params: ['username'] }, 400);
    if (!requiredActions.every((action) => SUPPORTED_REQUIRED_ACTIONS.includes(action))) return c.json({ errorMessage: 'Provided invalid required actions' }, 400);
    const groupNames: string[] = [];
    for (const path of groups) {
      const group = realm.groups.find((g) => g.path === path);
      if (!group) return c.json({ errorMessage: `Group ${path} not found` }, 400);
      groupNames.push(group.name);
    }
    const result = await users.create({
      username,
      email: email ?? null,
      firstName: firstName || null,
      lastName: lastName || null,
      enabled,
      emailVerified,
      groups: groupNames,
      realmRoles: [],
      requiredActions,
    });
    if (!result.ok) return c.json({ errorMessage: result.conflict === 'username' ? 'User exists with same username' : 'User exists with same email' }, 409);
    deps.log({ level: 'info', msg: 'idp user created', userId: result.user.id, by: c.var.caller.clientId });
    // Keycloak answers 201 with the new user's URL and no body; clients read the id from its last segment.
    return c.body(null, 201, { location: `${new URL(c.req.url).origin}${c.req.path}/${result.user.id}` });
  });

  app.get('/users/:id', (c) => {
    const refusal = denied(c, 'view-users');
    if (refusal) return refusal;
    const user = users.get(c.req.param('id'));
    return user ? c.json(toUserRepresentation(user, false)) : c.json(USER_NOT_FOUND, 404);
  });

  app.put('/users/:id', async (c) => {
    const refusal = denied(c, 'manage-users');
    if (refusal) return refusal;
    const user = users.get(c.req.param('id'));
    if (!user) return c.json(USER_NOT_FOUND, 404);
    const body = await readJsonBody(c, UserUpdateBodySchema);
    if (body instanceof Response) return body;
    const { username, email, firstName, lastName, enabled, emailVerified, requiredActions } = body.data;
    if (username !== undefined && username.toLowerCase() !== user.username) return c.json({ field: 'username', errorMessage: 'error-user-attribute-read-only', params: ['username'] }, 400);
    if (requiredActions && !requiredActions.every((action) => SUPPORTED_REQUIRED_ACTIONS.includes(action))) return c.json({ errorMessage: 'Provided invalid required actions' }, 400);
    const newEmail = email?.toLowerCase();
    if (newEmail !== undefined && newEmail !== user.email && users.findByEmail(newEmail)) return c.json({ errorMessage: 'User exists with same email' }, 409);
    const changes: UserChanges = {
      ...(newEmail !== undefined ? { email: newEmail } : {}),
      // Another address is an unproven one, unless the administrator says otherwise in the same request.
      ...(newEmail !== undefined && newEmail !== user.email ? { emailVerified: false } : {}),
      ...(emailVerified !== undefined ? { emailVerified } : {}),
      ...(firstName !== undefined ? { firstName: firstName || null } : {}),
      ...(lastName !== undefined ? { lastName: lastName || null } : {}),
      ...(enabled !== undefined ? { enabled } : {}),
      ...(requiredActions !== undefined ? { requiredActions: [...new Set(requiredActions)] } : {}),
    };
    await users.update(user.id, () => changes);
    deps.log({ level: 'info', msg: 'idp user updated', userId: user.id, fields: Object.keys(changes), by: c.var.caller.clientId });
    return c.body(null, 204);
  });

  app.get('/users/:id/groups', (c) => {
    const refusal = denied(c, 'view-users');
    if (refusal) return refusal;
    const user = users.get(c.req.param('id'));
    if (!user) return c.json(USER_NOT_FOUND, 404);
    const query = parse(UserGroupsQuerySchema, c.req.query());
    if (!query.success) return badRequest(c, query.error);
    const { search, first, max, briefRepresentation } = query.data;
    const groups = realm.groups
      .filter((group) => user.groups.includes(group.name))
      .filter((group) => search === undefined || group.name.toLowerCase().includes(search.toLowerCase()))
      .slice(first, max === undefined ? undefined : first + max);
    return c.json(groups.map((group) => toGroupRepresentation(group, realm, briefRepresentation)));
  });

  // Joining and leaving are idempotent in Keycloak: 204 whether or not the user was already a member.
  app.on(['PUT', 'DELETE'], '/users/:id/groups/:groupId', async (c) => {
    const refusal = denied(c, 'manage-users');
    if (refusal) return refusal;
    const user = users.get(c.req.param('id'));
    if (!user) return c.json(USER_NOT_FOUND, 404);
    const group = findGroupById(realm, c.req.param('groupId'));
    if (!group) return c.json(GROUP_NOT_FOUND, 404);
    const join = c.req.method === 'PUT';
    if (user.groups.includes(group.name) !== join) {
      await users.update(user.id, (current) => ({ groups: join ? [...new Set([...current.groups, group.name])] : current.groups.filter((name) => name !== group.name) }));
      deps.log({ level: 'info', msg: join ? 'idp user joined group' : 'idp user left group', userId: user.id, group: group.name, by: c.var.caller.clientId });
    }
    return c.body(null, 204);
  });

  app.put('/users/:id/execute-actions-email', async (c) => {
    const refusal = denied(c, 'manage-users');
    if (refusal) return refusal;
    const user = users.get(c.req.param('id'));
    if (!user) return c.json(USER_NOT_FOUND, 404);
    const query = parse(ActionsEmailQuerySchema, c.req.query());
    if (!query.success) return badRequest(c, query.error);
    const text = await readLimitedText(c.req.raw, MAX_BODY_BYTES);
    if (text === null) return c.json({ errorMessage: 'Request body too large' }, 413);
    let actions: string[] = [];
    if (text.trim() !== '') {
      const body = parse(ActionsBodySchema, safeJson(text));
      if (!body.success) return badRequest(c, body.error);
      actions = body.data;
    }
    // Keycloak's checks, in its order (UserResource.verifySendEmailParams, then the actions).
    const problem = sendEmailProblem(user, query.data, realm) ?? (actions.every((a) => SUPPORTED_REQUIRED_ACTIONS.includes(a)) ? null : 'Provided invalid required actions');
    if (problem) return c.json({ errorMessage: problem }, 400);
    if (!deps.deliverEmail) return c.json({ errorMessage: 'Failed to send execute actions email: no mail service configured for the local IdP' }, 500);

    const lifespanSeconds = query.data.lifespan ?? DEFAULT_ACTION_TOKEN_LIFESPAN_SECONDS;
    const key = deps.actionTokens.issue(
      { userId: user.id, email: user.email!, actions, clientId: query.data.client_id ?? null, redirectUri: query.data.redirect_uri ?? null },
      lifespanSeconds,
    );
    const link = `${deps.issuer}/login-actions/action-token?key=${encodeURIComponent(key)}`;
    try {
      await deps.deliverEmail(renderActionsEmail({ to: user.email!, realmDisplayName: realm.displayName, link, actions, lifespanSeconds }));
    } catch (error) {
      // Nobody received the link: make sure nobody can use it. The error text could quote the message, so it stays out.
      deps.actionTokens.revoke(key);
      deps.log({ level: 'error', msg: 'idp actions email failed', userId: user.id, error: (error as Error)?.name });
      return c.json({ errorMessage: 'Failed to send execute actions email' }, 500);
    }
    deps.log({ level: 'info', msg: 'idp actions email sent', userId: user.id, actions, by: c.var.caller.clientId });
    return c.body(null, 204);
  });

  app.get('/groups', (c) => {
    const refusal = denied(c, 'query-groups');
    if (refusal) return refusal;
    const query = parse(GroupQuerySchema, c.req.query());
    if (!query.success) return badRequest(c, query.error);
    const { search, exact, first, max, briefRepresentation } = query.data;
    const wanted = search?.toLowerCase();
    const groups = realm.groups
      .filter((group) => wanted === undefined || (exact ? group.name.toLowerCase() === wanted : group.name.toLowerCase().includes(wanted)))
      .slice(first, max === undefined ? undefined : first + max);
    return c.json(groups.map((group) => toGroupRepresentation(group, realm, briefRepresentation)));
  });

  app.get('/groups/:id', (c) => {
    const refusal = denied(c, 'query-groups');
    if (refusal) return refusal;
    const group = findGroupById(realm, c.req.param('id'));
    return group ? c.json(toGroupRepresentation(group, realm, false)) : c.json({ error: 'Could not find group by id' }, 404);
  });

  return app;
}

/** A JSON body within the size cap that the schema accepts, or Keycloak's refusal as a Response. */
async function readJsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<{ data: z.output<T> } | Response> {
  const text = await readLimitedText(c.req.raw, MAX_BODY_BYTES);
  if (text === null) return c.json({ errorMessage: 'Request body too large' }, 413);
  const json = safeJson(text);
  if (json === INVALID_JSON) return c.json({ errorMessage: 'Request body is not valid JSON' }, 400);
  const body = parse(schema, json);
  return body.success ? { data: body.data } : badRequest(c, body.error);
}

function sendEmailProblem(user: IdpUser, query: { client_id?: string; redirect_uri?: string }, realm: Realm): string | null {
  if (!user.email) return 'User email missing';
  if (!user.enabled) return 'User is disabled';
  if (query.redirect_uri !== undefined && query.client_id === undefined) return 'Client id missing';
  if (query.client_id === undefined) return null;
  const client = realm.clients.find((c) => c.clientId === query.client_id);
  if (!client) return "Client doesn't exist";
  if (query.redirect_uri !== undefined && !matchesKeycloakRedirect(query.redirect_uri, client.redirectUris)) return 'Invalid redirect uri.';
  return null;
}

const INVALID_JSON = Symbol('invalid JSON');

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return INVALID_JSON;
  }
}

function parse<T extends z.ZodType>(schema: T, value: unknown) {
  return schema.safeParse(value) as z.ZodSafeParseResult<z.output<T>>;
}

/** Keycloak's field error shape when one field is at fault, its generic one otherwise. */
function badRequest(c: Context, error: z.ZodError) {
  const issue = error.issues[0];
  const field = issue?.path[0];
  if (typeof field === 'string') return c.json({ field, errorMessage: issue?.message ?? 'invalid', params: [field] }, 400);
  return c.json({ errorMessage: issue?.message ?? 'Invalid request' }, 400);
}
