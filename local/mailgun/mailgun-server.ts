// The local stand-in for Mailgun, on its own HTTP server: the Messages API the portal's MailgunMailer
// calls (MAILGUN_BASE_URL = baseUrl), and an inbox at the same address where a developer reads what was
// sent. Mailgun itself cannot be reached from a laptop's test run, and a real send would mail real people.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { z } from 'zod';
import { createMailgunApp, type MailgunLogger } from './mailgun-app.ts';
import { MessageStore, type StoredMessage } from './message-store.ts';

export type { StoredMessage } from './message-store.ts';

export interface StartMailgunOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** The key senders must present (basic auth user `api`). */
  apiKey: string;
  /** The sending domain; any other answers 404 Domain not found. */
  domain: string;
  /** Messages are kept in <dataDir>/mail/. */
  dataDir: string;
  /** Largest request body accepted (default 25 MB, Mailgun's message size limit). */
  maxBodyBytes?: number;
  /** Answers 429 past `limit` sends per `windowMs` (default: no limit). */
  rateLimit?: { limit: number; windowMs: number };
  logger?: MailgunLogger;
}

export interface MailgunHandle {
  /** What MAILGUN_BASE_URL is set to: http://<host>:<port> (the /v3/<domain>/messages path is the client's). */
  baseUrl: string;
  /** The inbox page. */
  inboxUrl: string;
  port: number;
  /** Every message accepted so far, newest first (from disk: includes earlier runs). */
  messages(): Promise<StoredMessage[]>;
  close(): Promise<void>;
}

const MAILGUN_MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

const OptionsSchema = z.object({
  port: z.number().int().min(0).max(65_535),
  host: z.string().min(1).optional(),
  apiKey: z.string().min(1, 'must not be empty'),
  domain: z.string().regex(/^[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/, 'must be a domain name such as mg.wikiplatform.localhost'),
  dataDir: z.string().min(1),
  maxBodyBytes: z.number().int().positive().optional(),
  rateLimit: z.object({ limit: z.number().int().positive(), windowMs: z.number().int().positive() }).optional(),
});

export async function startMailgun(options: StartMailgunOptions): Promise<MailgunHandle> {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    // The option's name, never its value: one of them is the key.
    throw new TypeError(`startMailgun options: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  }
  const host = options.host ?? '127.0.0.1';
  const log: MailgunLogger = options.logger ?? (() => {});
  const store = await MessageStore.open(options.dataDir);

  let inboxUrl: string | undefined;
  const app = createMailgunApp({
    apiKey: options.apiKey,
    domain: options.domain,
    store,
    maxBodyBytes: options.maxBodyBytes ?? MAILGUN_MAX_MESSAGE_BYTES,
    rateLimit: options.rateLimit,
    // Known only once the server listens; read per message.
    get inboxUrl() {
      return inboxUrl;
    },
    log,
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: options.port, hostname: host }, () => {
      started.off('error', reject);
      resolve(started as Server);
    });
    started.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  inboxUrl = `${baseUrl}/`;
  log({ level: 'info', msg: 'local mailgun listening', baseUrl, domain: options.domain, inbox: inboxUrl });

  let closing: Promise<void> | undefined;
  return {
    baseUrl,
    inboxUrl,
    port,
    messages: () => store.list(),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
