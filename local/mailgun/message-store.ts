// The stand-in's mailbox: one JSON file per accepted message under <dataDir>/mail/, so the inbox survives
// an `npm start` restart. File names start with the receive time, so a directory listing sorted by name
// is already newest-last; nothing else is indexed.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { MessageFields } from './message-form.ts';

export interface StoredMessage extends MessageFields {
  /** Mailgun's message id, as the send answered it: `<20261121133000123.0f1e2d3c4b5a6978@mg.example.com>`. */
  id: string;
  /** The id's part before `@`: the file name and the inbox URL (/messages/<key>). */
  key: string;
  domain: string;
  /** ISO 8601. */
  receivedAt: string;
}

const KEY = /^\d{17}\.[0-9a-f]{16}$/;

const StoredMessageSchema: z.ZodType<StoredMessage> = z.object({
  id: z.string(),
  key: z.string().regex(KEY),
  domain: z.string(),
  receivedAt: z.string(),
  from: z.string(),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  bcc: z.array(z.string()),
  subject: z.string(),
  text: z.string().nullable(),
  html: z.string().nullable(),
  ampHtml: z.string().nullable(),
  template: z.string().nullable(),
  tags: z.array(z.string()),
  headers: z.record(z.string(), z.string()),
  variables: z.record(z.string(), z.string()),
  options: z.record(z.string(), z.string()),
  attachments: z.array(
    z.object({ field: z.enum(['attachment', 'inline']), filename: z.string(), size: z.number(), contentType: z.string() }),
  ),
});

export class MessageStore {
  readonly #dir: string;
  #lastStamp = 0;

  private constructor(dir: string) {
    this.#dir = dir;
  }

  static async open(dataDir: string): Promise<MessageStore> {
    const dir = join(dataDir, 'mail');
    // Messages carry set-password links: readable by this user only.
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return new MessageStore(dir);
  }

  async add(fields: MessageFields, domain: string, now: Date = new Date()): Promise<StoredMessage> {
    // Strictly increasing per store, so two messages in the same millisecond still list in order.
    const stamp = Math.max(now.getTime(), this.#lastStamp + 1);
    this.#lastStamp = stamp;
    const key = `${compactUtc(new Date(stamp))}.${randomBytes(8).toString('hex')}`;
    const message: StoredMessage = { id: `<${key}@${domain}>`, key, domain, receivedAt: new Date(stamp).toISOString(), ...fields };
    const file = join(this.#dir, `${key}.json`);
    // Written whole then renamed: a crash never leaves half a message for the inbox to trip on.
    await writeFile(`${file}.tmp`, JSON.stringify(message, null, 2), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
    return message;
  }

  /** Newest first; files that are not a message (hand-edited, half-copied) are skipped. */
  async list(): Promise<StoredMessage[]> {
    const keys = (await readdir(this.#dir))
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length))
      .filter((key) => KEY.test(key))
      .sort()
      .reverse();
    const messages = await Promise.all(keys.map((key) => this.get(key)));
    return messages.filter((m): m is StoredMessage => m !== null);
  }

  async get(key: string): Promise<StoredMessage | null> {
    if (!KEY.test(key)) return null;
    let raw: string;
    try {
      raw = await readFile(join(this.#dir, `${key}.json`), 'utf8');
    } catch {
      return null;
    }
    try {
      const parsed = StoredMessageSchema.safeParse(JSON.parse(raw));
      return parsed.success && parsed.data.key === key ? parsed.data : null;
    } catch {
      return null;
    }
  }
}

/** 2026-11-21T13:30:00.123Z → 20261121133000123, the shape of Mailgun's ids. */
function compactUtc(date: Date): string {
  return date.toISOString().replace(/\D/g, '');
}
