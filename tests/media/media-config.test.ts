// Media configuration is read once at start; a bad value is named, a secret is never echoed.
import { describe, expect, it } from 'vitest';
import { DEFAULT_INSTANCE_QUOTA_BYTES, DEFAULT_PLAN_CAPS } from '#shared/media-policy';
import { loadS3Settings } from '#shared/s3-settings';
import { DEFAULT_USER_PENDING_MULTIPLE, loadMediaConfig, MediaConfigError } from '../../origin/instance/media/media-config.ts';
import { mediaStorageFor } from '../../edge/media/storage-config.ts';

const S3 = {
  S3_ENDPOINT: 'http://127.0.0.1:4569/',
  S3_BUCKET: 'wikiplatform-media',
  S3_REGION: '',
  S3_ACCESS_KEY_ID: 'S3RVER',
  S3_SECRET_ACCESS_KEY: 'very-secret-value',
};

describe('media configuration', () => {
  it('defaults the region to auto (R2), the quota and the plan caps', () => {
    const config = loadMediaConfig(S3);
    expect(config.storage).toEqual({ endpoint: 'http://127.0.0.1:4569', bucket: 'wikiplatform-media', region: 'auto', accessKeyId: 'S3RVER', secretAccessKey: 'very-secret-value' });
    expect(config.quotaBytes).toBe(DEFAULT_INSTANCE_QUOTA_BYTES);
    expect(config.planCaps).toEqual(DEFAULT_PLAN_CAPS);
    expect(config.userPendingMultiple).toBe(DEFAULT_USER_PENDING_MULTIPLE);
    expect(DEFAULT_USER_PENDING_MULTIPLE).toBe(2);
  });

  it('takes the quota and the caps from the environment', () => {
    const config = loadMediaConfig({ ...S3, MEDIA_QUOTA_BYTES: '1000', MEDIA_PLAN_CAPS: '{"STARTER":1,"PRO":2,"ENTERPRISE":3}', MEDIA_USER_PENDING_MULTIPLE: '5' });
    expect(config.quotaBytes).toBe(1000);
    expect(config.userPendingMultiple).toBe(5);
    expect(config.planCaps).toEqual({ STARTER: 1, PRO: 2, ENTERPRISE: 3 });
  });

  it('names every bad variable, without echoing a secret', () => {
    let message = '';
    try {
      loadMediaConfig({ ...S3, S3_ENDPOINT: 'not a url', S3_SECRET_ACCESS_KEY: '', MEDIA_PLAN_CAPS: '{"STARTER":1}', MEDIA_USER_PENDING_MULTIPLE: '0' });
    } catch (err) {
      expect(err).toBeInstanceOf(MediaConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('S3_ENDPOINT');
    expect(message).toContain('S3_SECRET_ACCESS_KEY');
    expect(message).toContain('MEDIA_PLAN_CAPS');
    expect(message).toContain('MEDIA_USER_PENDING_MULTIPLE');
    expect(message).not.toContain('very-secret-value');
  });

  it('leaves the edge running when storage is not configured, and parses each env object once', () => {
    expect(loadS3Settings({}).ok).toBe(false);
    const env = { ...S3 };
    const first = mediaStorageFor(env);
    expect(first.ok).toBe(true);
    expect(mediaStorageFor(env)).toBe(first);
  });
});
