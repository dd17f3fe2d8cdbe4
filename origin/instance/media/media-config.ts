// The instance's media settings: where objects live (S3_*), the instance's storage quota and the per-plan
// upload caps, from the environment, validated once at start.
import { z } from 'zod';
import { formatIssues } from '#shared/format-issues';
import { DEFAULT_INSTANCE_QUOTA_BYTES, DEFAULT_PLAN_CAPS, type PlanCaps } from '#shared/media-policy';
import { loadS3Settings, type S3Settings } from '#shared/s3-settings';

export interface MediaConfig {
  storage: S3Settings;
  quotaBytes: number;
  planCaps: PlanCaps;
  /** How often the sweeper looks for abandoned uploads. */
  sweepIntervalMs: number;
}

const bytes = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const MediaEnvSchema = z.object({
  MEDIA_QUOTA_BYTES: bytes.default(DEFAULT_INSTANCE_QUOTA_BYTES),
  MEDIA_PLAN_CAPS: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(z.strictObject({ STARTER: bytes, PRO: bytes, ENTERPRISE: bytes }))
    .optional(),
  MEDIA_SWEEP_INTERVAL_MS: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
});

export class MediaConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MediaConfigError';
  }
}

export function loadMediaConfig(source: Record<string, string | undefined>): MediaConfig {
  const env = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const storage = loadS3Settings(env);
  const parsed = MediaEnvSchema.safeParse(env);
  const problems = [
    ...(storage.ok ? [] : [storage.message]),
    ...(parsed.success ? [] : [formatIssues('media configuration', parsed.error.issues)]),
  ];
  if (!storage.ok || !parsed.success) throw new MediaConfigError(problems.join('\n'));
  return {
    storage: storage.settings,
    quotaBytes: parsed.data.MEDIA_QUOTA_BYTES,
    planCaps: parsed.data.MEDIA_PLAN_CAPS ?? DEFAULT_PLAN_CAPS,
    sweepIntervalMs: parsed.data.MEDIA_SWEEP_INTERVAL_MS,
  };
}
