// The edge's media storage settings (S3_* variables and secrets), parsed once per env object.
// A missing or bad variable disables media (503 naming nothing secret), never the rest of the edge.
import { loadS3Settings, type S3SettingsResult } from '#shared/s3-settings';

const cache = new WeakMap<object, S3SettingsResult>();

export function mediaStorageFor(env: object): S3SettingsResult {
  let result = cache.get(env);
  if (!result) {
    result = loadS3Settings(env as Record<string, unknown>);
    cache.set(env, result);
  }
  return result;
}
