// The instance's media settings: where objects live (S3_*), the instance's storage quota and the per-plan
// upload caps, from the environment, validated once at start.
//
//   MEDIA_QUOTA_BYTES            storage the instance may hold, uploads in flight included (default 5 GB)
//   MEDIA_PLAN_CAPS              largest single file per plan, JSON {"STARTER":…,"PRO":…,"ENTERPRISE":…}
//   MEDIA_USER_PENDING_MULTIPLE  how much one user may have reserved and not yet confirmed, as a multiple of
//                                their plan's per-file cap (default 2, 1–100). Every signed URL reserves its
//                                size against the shared quota until confirmed or swept (URL lifetime + grace,
//                                ~25 min), so without this one editor could sign URLs for the whole quota and
//                                upload nothing, blocking everyone. 2 lets a user have two largest-size files
//                                (or many smaller ones) in flight at once; confirming frees the allowance.
//   MEDIA_SWEEP_INTERVAL_MS      how often abandoned uploads and tombstoned keys are swept (default 60 s)
import { z } from 'zod';
import { jsonVariable } from '#shared/config-schema';
import { formatIssues } from '#shared/format-issues';
import { DEFAULT_INSTANCE_QUOTA_BYTES, DEFAULT_PLAN_CAPS, type PlanCaps } from '#shared/media-policy';
import { loadS3Settings, type S3Settings } from '#shared/s3-settings';

export interface MediaConfig {
  storage: S3Settings;
  quotaBytes: number;
  planCaps: PlanCaps;
  /** A user's unexpired, unconfirmed reservations may total at most this many times their per-file cap. */
  userPendingMultiple: number;
  /** How often the sweeper looks for abandoned uploads. */
  sweepIntervalMs: number;
}

export const DEFAULT_USER_PENDING_MULTIPLE = 2;

const bytes = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const MediaEnvSchema = z.object({
  MEDIA_QUOTA_BYTES: bytes.default(DEFAULT_INSTANCE_QUOTA_BYTES),
  MEDIA_PLAN_CAPS: jsonVariable(z.strictObject({ STARTER: bytes, PRO: bytes, ENTERPRISE: bytes })).optional(),
  MEDIA_USER_PENDING_MULTIPLE: z.coerce.number().int().min(1).max(100).default(DEFAULT_USER_PENDING_MULTIPLE),
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
    userPendingMultiple: parsed.data.MEDIA_USER_PENDING_MULTIPLE,
    sweepIntervalMs: parsed.data.MEDIA_SWEEP_INTERVAL_MS,
  };
}
