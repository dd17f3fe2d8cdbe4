// People are created in the instance on their first visit and kept in sync with the edge's identity.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../origin/instance/schema.ts';
import { identity } from './helpers/edge-keys.ts';
import { startInstance, type InstanceHarness } from './helpers/instance-harness.ts';

let h: InstanceHarness;
beforeAll(async () => {
  h = await startInstance('instance1');
});
afterAll(() => h.close());

describe('instance users', () => {
  it('creates a user record on the first visit', async () => {
    const who = identity({ sub: 'first-visit', name: 'Fiona First', email: 'fiona@example.test' });
    expect((await h.request('/', { as: who })).status).toBe(200);
    const [row] = await h.database.db.select().from(users).where(eq(users.sub, 'first-visit'));
    expect(row).toMatchObject({ name: 'Fiona First', email: 'fiona@example.test', role: null });
  });

  it('updates the name and email on the next visit when the identity changed', async () => {
    const who = identity({ sub: 'renamed', name: 'Old Name', email: 'old@example.test' });
    await h.request('/', { as: who });
    const res = await h.request('/', { as: { ...who, name: 'New Name', email: 'new@example.test' } });
    expect(await res.text()).toContain('New Name');
    const rows = await h.database.db.select().from(users).where(eq(users.sub, 'renamed'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'New Name', email: 'new@example.test' });
  });
});
