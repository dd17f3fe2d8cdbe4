import { describe, expect, it } from 'vitest';
import { InstanceRegistrySchema } from './instance-registry.ts';

const entry = { id: 'instance1', origin: 'https://instance1.origin.example.com', title: 'Instance 1' };

describe('the instance registry schema', () => {
  it('refuses the reserved names as instance ids, portal (the portal\'s assertion audience) included', () => {
    for (const id of ['portal', 'app', 'sso', 'media']) {
      const result = InstanceRegistrySchema.safeParse([{ ...entry, id }]);
      expect(result.success, id).toBe(false);
      expect(result.error!.issues[0]!.message).toContain('not a reserved name');
    }
  });

  it('takes maintenance as false when it is left out', () => {
    expect(InstanceRegistrySchema.parse([entry])[0]!.maintenance).toBe(false);
  });

  it('accepts an instance in maintenance scheduled for removal on a given day', () => {
    const [parsed] = InstanceRegistrySchema.parse([{ ...entry, maintenance: true, removeAfter: '2026-12-31' }]);
    expect(parsed!.removeAfter).toBe('2026-12-31');
  });

  it('refuses a removal date on an instance that is not in maintenance, saying why', () => {
    const result = InstanceRegistrySchema.safeParse([{ ...entry, maintenance: false, removeAfter: '2026-12-31' }]);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['0.removeAfter', 'an instance scheduled for removal (removeAfter) must be in maintenance ("maintenance": true)'],
    ]);
  });

  it('refuses a removal date that is not a YYYY-MM-DD day', () => {
    for (const removeAfter of ['2026-12-31T00:00:00Z', '31.12.2026', '2026-02-30']) {
      const result = InstanceRegistrySchema.safeParse([{ ...entry, maintenance: true, removeAfter }]);
      expect(result.success, removeAfter).toBe(false);
      expect(result.error!.issues[0]!.message).toContain('YYYY-MM-DD');
    }
  });

  it('refuses duplicate ids', () => {
    expect(InstanceRegistrySchema.safeParse([entry, entry]).success).toBe(false);
  });
});
