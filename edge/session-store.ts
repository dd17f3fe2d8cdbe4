// One Durable Object per browser session. It alone holds the IdP tokens, refreshes them one request
// at a time (all concurrent callers share the single refresh in flight), and can be ended, which every
// other copy of the session cookie notices within FRESH_WINDOW_SECONDS.
import { DurableObject } from 'cloudflare:workers';
import { identityFromKeycloakClaims, type Identity } from '#shared/identity';
import { configFor } from './config.ts';
import type { Env } from './env.ts';
import { jwksCacheFor } from './jwks-cache.ts';
import { log } from './logger.ts';
import { refreshTokens } from './oidc-client.ts';
import { needsRefresh, sessionEnd } from './session-policy.ts';
import { verifyAccessToken } from './token-verifier.ts';

export interface SessionRecord {
  identity: Identity;
  accessToken: string;
  accessExp: number;
  refreshToken?: string;
  idToken?: string;
  /** Unix seconds: the session is over after this. */
  sessionExp: number;
}

export type SessionCheck =
  | { status: 'active'; identity: Identity; accessExp: number; sessionExp: number }
  | { status: 'ended'; reason: 'unknown' | 'expired' | 'refresh_rejected' | 'refresh_invalid' }
  /** The IdP could not be reached and the access token is already past its life. */
  | { status: 'unavailable' };

const KEY = 'session';
/** How long a session waits before asking an unreachable IdP again. */
const IDP_RETRY_SECONDS = 10;
const nowSeconds = () => Math.floor(Date.now() / 1000);

export class SessionStore extends DurableObject<Env> {
  private record: SessionRecord | null | undefined;
  private refreshing: Promise<SessionCheck> | null = null;
  /** Unix seconds: no refresh is tried before this after the IdP could not be reached. */
  private idpDownUntil = 0;

  private async load(): Promise<SessionRecord | null> {
    if (this.record === undefined) this.record = (await this.ctx.storage.get<SessionRecord>(KEY)) ?? null;
    return this.record;
  }

  async begin(record: SessionRecord): Promise<void> {
    this.record = record;
    await this.ctx.storage.put(KEY, record);
    // Storage is wiped when the session can no longer be refreshed.
    await this.ctx.storage.setAlarm(record.sessionExp * 1000);
  }

  /** The session's identity, refreshed through the IdP first when the access token is about to expire. */
  async check(): Promise<SessionCheck> {
    const record = await this.load();
    const now = nowSeconds();
    if (!record) return { status: 'ended', reason: 'unknown' };
    if (record.sessionExp <= now) {
      await this.wipe();
      return { status: 'ended', reason: 'expired' };
    }
    if (!needsRefresh(now, record.accessExp)) return active(record);
    this.refreshing ??= this.refresh(record).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** Ends the session; returns the ID token so the caller can end the IdP session too (id_token_hint). */
  async end(): Promise<{ idToken?: string }> {
    const record = await this.load();
    await this.wipe();
    return { idToken: record?.idToken };
  }

  override async alarm(): Promise<void> {
    await this.wipe();
  }

  private async wipe(): Promise<void> {
    this.record = null;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  private async refresh(record: SessionRecord): Promise<SessionCheck> {
    const now = nowSeconds();
    if (!record.refreshToken) {
      if (record.accessExp > now) return active(record);
      await this.wipe();
      return { status: 'ended', reason: 'expired' };
    }
    const loaded = configFor(this.env);
    if (!loaded.ok) throw new Error('edge configuration invalid');
    const { oidc } = loaded.config;
    if (this.idpDownUntil > now) return unreachable(record, now);
    const result = await refreshTokens(oidc, record.refreshToken);
    // The input gate opens while the IdP answers: a logout may have ended the session meanwhile, and
    // what comes back must not bring it back (nor outlive it in memory).
    if (this.record !== record) return { status: 'ended', reason: 'unknown' };
    if (!result.ok) {
      log('warn', { msg: 'session refresh failed', reason: result.reason, detail: result.detail, user: record.identity.sub });
      if (result.reason === 'rejected') {
        await this.wipe();
        return { status: 'ended', reason: 'refresh_rejected' };
      }
      // IdP down: every request would otherwise try again at once (the renewed cookie is already stale).
      this.idpDownUntil = now + IDP_RETRY_SECONDS;
      return unreachable(record, now);
    }
    const tokens = result.tokens;
    const verified = await verifyAccessToken(tokens.access_token, {
      issuer: oidc.issuer,
      clientId: oidc.clientId,
      jwks: jwksCacheFor(oidc.jwksUrl, { originAccess: oidc.originAccess }),
    });
    if (this.record !== record) return { status: 'ended', reason: 'unknown' };
    const identity = verified.ok ? identityFromKeycloakClaims(verified.claims) : null;
    if (!verified.ok || !identity || identity.sub !== record.identity.sub) {
      log('warn', { msg: 'refreshed token refused', reason: verified.ok ? 'identity' : verified.reason, user: record.identity.sub });
      await this.wipe();
      return { status: 'ended', reason: 'refresh_invalid' };
    }
    const accessExp = Number(verified.claims.exp);
    const refreshToken = tokens.refresh_token ?? record.refreshToken;
    const next: SessionRecord = {
      identity,
      accessToken: tokens.access_token,
      accessExp,
      refreshToken,
      idToken: tokens.id_token ?? record.idToken,
      // A rotated refresh token may extend the session (Keycloak's idle timeout restarts).
      sessionExp: tokens.refresh_token ? sessionEnd(now, tokens.refresh_expires_in, true, accessExp) : record.sessionExp,
    };
    await this.begin(next);
    log('debug', { msg: 'session refreshed', user: identity.sub });
    return active(next);
  }
}

/** While the IdP cannot be reached: keep serving as long as the current access token is valid. */
function unreachable(record: SessionRecord, now: number): SessionCheck {
  return record.accessExp > now ? active(record) : { status: 'unavailable' };
}

function active(record: SessionRecord): SessionCheck {
  return { status: 'active', identity: record.identity, accessExp: record.accessExp, sessionExp: record.sessionExp };
}
