// The bucket's CORS rules exist once (deploy/r2/cors.json, wrangler's format); the local S3 server gets
// the same rules converted to S3 XML. These tests hold the two together and check what they allow.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corsPolicyToS3Xml, localizeCorsPolicy, R2CorsPolicySchema, type R2CorsPolicy } from '../../deploy/r2/cors-rules.ts';
import { localCorsXml, R2_CORS_FILE } from '../../local/s3.ts';
import { DEFAULT_PLAN_MATRIX } from '#shared/plan-matrix';
import { startTestS3, type TestS3 } from './local-s3.ts';

const policy: R2CorsPolicy = R2CorsPolicySchema.parse(JSON.parse(readFileSync(R2_CORS_FILE, 'utf8')));
/** Text of every <tag> in `xml`, unescaped: enough XML reading for the flat S3 CORS document. */
const values = (xml: string, tag: string) =>
  [...xml.matchAll(new RegExp(`<${tag}>(.*?)</${tag}>`, 'g'))].map((m) =>
    m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&'),
  );

describe('deploy/r2/cors.json', () => {
  it("is in the shape wrangler r2 bucket cors set accepts (a rules array, R2's lower-case keys)", () => {
    const raw = JSON.parse(readFileSync(R2_CORS_FILE, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(raw)).toEqual(['rules']);
    expect(raw).not.toHaveProperty('CORSRules');
    expect(R2CorsPolicySchema.safeParse(raw).success).toBe(true);
  });

  it('lets every instance host PUT with the signed headers and read the ETag, and nothing more', () => {
    const instances = [...new Set(Object.values(DEFAULT_PLAN_MATRIX).flat())];
    const [rule] = policy.rules;
    expect(policy.rules).toHaveLength(1);
    expect(rule!.allowed.origins.sort()).toEqual(instances.map((id) => `https://${id}.wikiplatform.app`).sort());
    expect(rule!.allowed.methods).toEqual(['PUT']);
    expect(rule!.allowed.headers).toEqual(['content-type', 'x-amz-checksum-sha256']);
    expect(rule!.exposeHeaders).toEqual(['ETag']);
  });
});

describe('the local S3 CORS configuration', () => {
  it('says in S3 XML exactly what the R2 file says, with origins moved to the local domain', async () => {
    const xml = await localCorsXml('wikiplatform.localhost');
    expect(xml.startsWith('<?xml')).toBe(true);
    const rules = values(xml, 'CORSRule');
    expect(rules).toHaveLength(policy.rules.length);
    policy.rules.forEach((r2, i) => {
      const s3 = rules[i]!;
      expect(values(s3, 'AllowedOrigin')).toEqual(r2.allowed.origins.map((o) => o.replace(/^https:\/\/(.+)\.wikiplatform\.app$/, 'http://$1.wikiplatform.localhost:*')));
      expect(values(s3, 'AllowedMethod')).toEqual(r2.allowed.methods);
      expect(values(s3, 'AllowedHeader')).toEqual(r2.allowed.headers ?? []);
      expect(values(s3, 'ExposeHeader')).toEqual(r2.exposeHeaders ?? []);
      expect(values(s3, 'MaxAgeSeconds')).toEqual(r2.maxAgeSeconds === undefined ? [] : [String(r2.maxAgeSeconds)]);
    });
  });

  it('escapes XML in values and keeps origins outside the production domain unchanged', () => {
    const odd: R2CorsPolicy = { rules: [{ allowed: { origins: ['https://a.example.com', 'https://x.wikiplatform.app'], methods: ['GET'], headers: ['x-a&b'] } }] };
    const xml = corsPolicyToS3Xml(localizeCorsPolicy(odd, 'dev.test'));
    expect(xml).toContain('<AllowedOrigin>https://a.example.com</AllowedOrigin>');
    expect(xml).toContain('<AllowedOrigin>http://x.dev.test:*</AllowedOrigin>');
    expect(xml).toContain('<AllowedHeader>x-a&amp;b</AllowedHeader>');
  });
});

describe('the local S3 server, started with those rules', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startTestS3();
  });
  afterAll(async () => {
    await s3?.stop();
  });

  const preflight = (origin: string, method = 'PUT', headers = 'content-type') =>
    fetch(`${s3.settings.endpoint}/${s3.settings.bucket}/tenants/instance1/uploads/x.png`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
    });

  it('allows the preflight of an upload from an instance page', async () => {
    const res = await preflight('http://instance1.wikiplatform.localhost:8787', 'PUT', 'content-type,x-amz-checksum-sha256');
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-methods')).toContain('PUT');
  });

  it('refuses the preflight from another site, for another method, or with unsigned headers', async () => {
    expect((await preflight('https://evil.example')).status).toBe(403);
    expect((await preflight('http://instance1.wikiplatform.localhost:8787', 'DELETE')).status).toBe(403);
    expect((await preflight('http://instance1.wikiplatform.localhost:8787', 'PUT', 'content-type,x-evil')).status).toBe(403);
  });
});
