// The R2 CORS policy (deploy/r2/cors.json, wrangler's format) as data, and its S3 CORSConfiguration XML
// twin for the local S3 server. Pure: no file access here; local/s3.ts reads the file.
import { z } from 'zod';

const MethodSchema = z.enum(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']);

export const R2CorsRuleSchema = z.strictObject({
  id: z.string().optional(),
  allowed: z.strictObject({
    origins: z.array(z.string().min(1)).min(1),
    methods: z.array(MethodSchema).min(1),
    headers: z.array(z.string().min(1)).optional(),
  }),
  exposeHeaders: z.array(z.string().min(1)).optional(),
  maxAgeSeconds: z.number().int().min(0).max(86_400).optional(),
});
export type R2CorsRule = z.infer<typeof R2CorsRuleSchema>;

export const R2CorsPolicySchema = z.strictObject({ rules: z.array(R2CorsRuleSchema).min(1) });
export type R2CorsPolicy = z.infer<typeof R2CorsPolicySchema>;

/** Production domain the policy names; local runs swap it for theirs. */
export const PRODUCTION_DOMAIN = 'wikiplatform.app';

/**
 * The same rules for another domain: `https://instance1.wikiplatform.app` becomes
 * `http://instance1.wikiplatform.localhost:*` (the local edge's port is chosen at start; the S3 server
 * accepts one `*` per origin). Origins outside the production domain are kept as they are.
 */
export function localizeCorsPolicy(policy: R2CorsPolicy, localDomain: string, fromDomain = PRODUCTION_DOMAIN): R2CorsPolicy {
  const suffix = `.${fromDomain}`;
  const localize = (origin: string) => {
    const match = /^https:\/\/([^/:]+)$/.exec(origin);
    if (!match || !match[1]!.endsWith(suffix)) return origin;
    return `http://${match[1]!.slice(0, -suffix.length)}.${localDomain}:*`;
  };
  return {
    rules: policy.rules.map((rule) => ({ ...rule, allowed: { ...rule.allowed, origins: rule.allowed.origins.map(localize) } })),
  };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[ch]!);
}

/** S3 PutBucketCors body for the same rules (element names from the S3 API reference). */
export function corsPolicyToS3Xml(policy: R2CorsPolicy): string {
  const element = (name: string, value: string | number) => `<${name}>${escapeXml(String(value))}</${name}>`;
  const rules = policy.rules.map((rule) => {
    const parts = [
      ...(rule.id ? [element('ID', rule.id)] : []),
      ...rule.allowed.origins.map((o) => element('AllowedOrigin', o)),
      ...rule.allowed.methods.map((m) => element('AllowedMethod', m)),
      ...(rule.allowed.headers ?? []).map((h) => element('AllowedHeader', h)),
      ...(rule.exposeHeaders ?? []).map((h) => element('ExposeHeader', h)),
      ...(rule.maxAgeSeconds !== undefined ? [element('MaxAgeSeconds', rule.maxAgeSeconds)] : []),
    ];
    return `<CORSRule>${parts.join('')}</CORSRule>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?><CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rules.join('')}</CORSConfiguration>`;
}
