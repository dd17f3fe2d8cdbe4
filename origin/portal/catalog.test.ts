import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_MATRIX } from '#shared/plan-matrix';
import { instanceCatalog } from './catalog.ts';

const registry = ['instance1', 'instance2', 'instance3'].map((id) => ({ id, origin: 'http://127.0.0.1:1', maintenance: false }));
const pattern = 'http://{host}.wikiplatform.localhost:8787';

describe('portal instance catalog', () => {
  it('opens exactly the starter instance to a STARTER user and offers upgrades for the rest', () => {
    const catalog = instanceCatalog({ plan: 'STARTER', roles: [] }, registry, DEFAULT_PLAN_MATRIX, pattern);
    expect(catalog.filter((e) => e.allowed).map((e) => e.id)).toEqual(['instance1']);
    expect(catalog[0]?.url).toBe('http://instance1.wikiplatform.localhost:8787/');
    expect(catalog.find((e) => e.id === 'instance3')?.plans).toEqual(['ENTERPRISE']);
  });
  it('opens every instance to a platform admin even without a plan', () => {
    const catalog = instanceCatalog({ plan: null, roles: ['platform-admin'] }, registry, DEFAULT_PLAN_MATRIX, pattern);
    expect(catalog.every((e) => e.allowed)).toBe(true);
  });
  it('opens nothing to a user without a plan', () => {
    expect(instanceCatalog({ plan: null, roles: [] }, registry, DEFAULT_PLAN_MATRIX, pattern).some((e) => e.allowed)).toBe(false);
  });
  it('carries the removal day of an instance scheduled for removal, and null for the others', () => {
    const closing = registry.map((i) => (i.id === 'instance2' ? { ...i, maintenance: true, removeAfter: '2026-12-31' } : i));
    const catalog = instanceCatalog({ plan: 'PRO', roles: [] }, closing, DEFAULT_PLAN_MATRIX, pattern);
    expect(catalog.map((e) => [e.id, e.maintenance, e.removeAfter])).toEqual([
      ['instance1', false, null],
      ['instance2', true, '2026-12-31'],
      ['instance3', false, null],
    ]);
  });
});
