import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PLAN_MATRIX,
  PLANS,
  canOpenInstance,
  instancesFor,
  planFromGroup,
  planFromGroups,
  plansIncluding,
} from './plan-matrix.ts';

const ALL = ['instance1', 'instance2', 'instance3'];
const EXPECTED: Record<string, string[]> = {
  STARTER: ['instance1'],
  PRO: ['instance1', 'instance2'],
  ENTERPRISE: ['instance1', 'instance2', 'instance3'],
};

describe('plan matrix', () => {
  for (const plan of PLANS) {
    for (const instance of ALL) {
      const allowed = EXPECTED[plan]!.includes(instance);
      it(`${plan} ${allowed ? 'opens' : 'does not open'} ${instance}`, () => {
        expect(canOpenInstance({ plan, roles: [] }, instance, DEFAULT_PLAN_MATRIX)).toBe(allowed);
      });
    }
  }

  it('opens every instance to the platform-admin role, with or without a plan', () => {
    for (const instance of ALL) expect(canOpenInstance({ plan: null, roles: ['platform-admin'] }, instance, DEFAULT_PLAN_MATRIX)).toBe(true);
    expect(instancesFor({ plan: null, roles: ['platform-admin'] }, DEFAULT_PLAN_MATRIX, [...ALL, 'instance4'])).toEqual([...ALL, 'instance4']);
  });

  it('opens nothing to a user without a plan', () => {
    expect(instancesFor({ plan: null, roles: [] }, DEFAULT_PLAN_MATRIX, ALL)).toEqual([]);
    expect(canOpenInstance({ plan: null, roles: ['default-roles-wikiplatform'] }, 'instance1', DEFAULT_PLAN_MATRIX)).toBe(false);
  });

  it('lists the instances of a plan in registry order, ignoring instances the registry lacks', () => {
    expect(instancesFor({ plan: 'PRO', roles: [] }, DEFAULT_PLAN_MATRIX, ['instance2', 'instance1'])).toEqual(['instance2', 'instance1']);
  });

  it('names the plans that include an instance, cheapest first', () => {
    expect(plansIncluding('instance1', DEFAULT_PLAN_MATRIX)).toEqual(['STARTER', 'PRO', 'ENTERPRISE']);
    expect(plansIncluding('instance2', DEFAULT_PLAN_MATRIX)).toEqual(['PRO', 'ENTERPRISE']);
    expect(plansIncluding('instance3', DEFAULT_PLAN_MATRIX)).toEqual(['ENTERPRISE']);
    expect(plansIncluding('nowhere', DEFAULT_PLAN_MATRIX)).toEqual([]);
  });
});

describe('plan from Keycloak groups', () => {
  it('accepts group paths with and without the leading slash', () => {
    expect(planFromGroup('/PRO')).toBe('PRO');
    expect(planFromGroup('PRO')).toBe('PRO');
  });

  it('rejects other shapes: nested paths, other casing, double slashes', () => {
    for (const group of ['/plans/PRO', 'pro', '//PRO', 'PRO/', ' PRO', '']) expect(planFromGroup(group)).toBeNull();
  });

  it('takes the highest plan when a user is in several plan groups', () => {
    expect(planFromGroups(['/STARTER', '/ENTERPRISE', 'PRO'])).toBe('ENTERPRISE');
    expect(planFromGroups(['/staff', '/STARTER'])).toBe('STARTER');
    expect(planFromGroups([])).toBeNull();
  });
});
