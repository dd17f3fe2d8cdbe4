// Keycloak's action tokens (the key in an execute-actions email link), kept single-use and short-lived:
// random, stored only as a SHA-256 digest in the IdP's session store (so they survive a restart), expiring
// after their lifespan, and deleted by the one request that uses them.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { FileStore } from './store-adapter.ts';

/** Keycloak's default for tokens an admin has generated (realm actionTokenGeneratedByAdminLifespan): 12 hours. */
export const DEFAULT_ACTION_TOKEN_LIFESPAN_SECONDS = 12 * 60 * 60;

const ActionTokenSchema = z.object({
  userId: z.string(),
  /** The user's email when the link was sent: a link sent to an address the user no longer has is dead. */
  email: z.string(),
  actions: z.array(z.string()),
  clientId: z.string().nullable(),
  redirectUri: z.string().nullable(),
});
export type ActionToken = z.infer<typeof ActionTokenSchema>;

export class ActionTokens {
  constructor(private readonly store: FileStore) {}

  /** Stores the token's digest and returns the token itself, which only the email carries. */
  issue(token: ActionToken, lifespanSeconds: number): string {
    const key = randomBytes(32).toString('base64url');
    this.store.set(storageKey(key), { ...token }, lifespanSeconds);
    return key;
  }

  /** The token's content if it is still valid, without using it up (showing the form must not burn the link). */
  peek(key: string): ActionToken | undefined {
    const parsed = ActionTokenSchema.safeParse(this.store.get(storageKey(key)));
    return parsed.success ? parsed.data : undefined;
  }

  /** Uses the token up. Synchronous, so of two concurrent submissions exactly one gets it. */
  consume(key: string): ActionToken | undefined {
    const token = this.peek(key);
    if (token) this.store.delete(storageKey(key));
    return token;
  }

  revoke(key: string): void {
    this.store.delete(storageKey(key));
  }
}

function storageKey(key: string): string {
  return `ActionToken:${createHash('sha256').update(key).digest('base64url')}`;
}
