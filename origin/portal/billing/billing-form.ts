// The billing forms' body handling, shared by the plans page (signed in) and sign-up (anonymous): small
// url-encoded forms only, parsed into fields for a zod schema.
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '#shared/errors';
import type { BaseEnv } from '../../common/env.ts';

export const MAX_FORM_BYTES = 8 * 1024;

export const smallForm = bodyLimit({
  maxSize: MAX_FORM_BYTES,
  onError: () => {
    throw new AppError('payload_too_large', `Billing forms are limited to ${MAX_FORM_BYTES} bytes.`);
  },
});

export async function formFields(c: Context<BaseEnv>): Promise<Record<string, string>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded(;|$)/i.test(type.trim())) {
    throw new AppError('unsupported_media_type', 'Send the form as application/x-www-form-urlencoded.');
  }
  return Object.fromEntries(new URLSearchParams(await c.req.text()));
}
