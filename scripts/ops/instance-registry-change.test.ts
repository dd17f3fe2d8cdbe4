import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_MATRIX } from '#shared/plan-matrix';
import { addDays, changeRegistry, type InstanceAction, type RawEntry, type RegistryState } from './instance-registry-change.ts';

const entries: RawEntry[] = ['instance1', 'instance2', 'instance3'].map((id) => ({ id, origin: `https://${id}.origin.example.com`, title: id, maintenance: false }));
const state: RegistryState = { entries, matrix: DEFAULT_PLAN_MATRIX };
const context = { domain: 'example.com', today: '2026-03-01' };

function apply(from: RegistryState, action: InstanceAction, today = context.today): RegistryState {
  const result = changeRegistry(from, action, { ...context, today });
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.state;
}

const entry = (s: RegistryState, id: string) => s.entries.find((e) => e.id === id);

describe('instance add', () => {
  it('adds the entry after the others with the origin pattern of the domain, opened by ENTERPRISE by default', () => {
    const next = apply(state, { action: 'add', id: 'instance4', title: 'Instance 4', plans: ['ENTERPRISE'] });
    expect(next.entries.at(-1)).toEqual({ id: 'instance4', origin: 'https://instance4.origin.example.com', title: 'Instance 4', maintenance: false });
    expect(next.matrix).toEqual({ ...DEFAULT_PLAN_MATRIX, ENTERPRISE: [...DEFAULT_PLAN_MATRIX.ENTERPRISE, 'instance4'] });
  });

  it('always opens it to ENTERPRISE, besides the plans asked for, and leaves the others as they were', () => {
    const result = changeRegistry(state, { action: 'add', id: 'instance4', title: 'Instance 4', plans: ['STARTER'] }, context);
    expect(result.ok && result.state.matrix).toEqual({ STARTER: ['instance1', 'instance4'], PRO: ['instance1', 'instance2'], ENTERPRISE: ['instance1', 'instance2', 'instance3', 'instance4'] });
    expect(result.ok && result.notes.join('\n')).toContain('ENTERPRISE added');
  });

  it('refuses an invalid, reserved or existing id', () => {
    for (const id of ['Instance4', 'portal', 'app', 'x', 'instance4-', 'instance2']) {
      const result = changeRegistry(state, { action: 'add', id, title: 't', plans: [] }, context);
      expect(result.ok, id).toBe(false);
    }
    const existing = changeRegistry(state, { action: 'add', id: 'instance2', title: 't', plans: [] }, context);
    expect(!existing.ok && existing.problems[0]).toBe('"instance2" is already in the registry (instances: instance1, instance2, instance3)');
  });
});

describe('suspend, resume, remove', () => {
  it('turns maintenance on and off; remove sets the day after the grace period; resume calls the removal off', () => {
    const suspended = apply(state, { action: 'suspend', id: 'instance2' });
    expect(entry(suspended, 'instance2')).toMatchObject({ maintenance: true });
    const resumed = apply(suspended, { action: 'resume', id: 'instance2' });
    expect(entry(resumed, 'instance2')).toEqual(entry(state, 'instance2'));
    const removing = apply(resumed, { action: 'remove', id: 'instance2', graceDays: 30 });
    expect(entry(removing, 'instance2')).toMatchObject({ maintenance: true, removeAfter: '2026-03-31' });
    const kept = changeRegistry(removing, { action: 'resume', id: 'instance2' }, context);
    expect(kept.ok && entry(kept.state, 'instance2')).toEqual(entry(state, 'instance2'));
    expect(kept.ok && kept.notes).toContain('instance2: removal called off (it was to be removed after 2026-03-31)');
  });

  it('says there is nothing to change rather than changing nothing silently', () => {
    const result = changeRegistry(state, { action: 'resume', id: 'instance1' }, context);
    expect(result).toMatchObject({ ok: true, changed: false, notes: ['instance1 is not in maintenance: nothing to change'] });
  });

  it('refuses an id the registry does not have', () => {
    const result = changeRegistry(state, { action: 'suspend', id: 'instance9' }, context);
    expect(result).toEqual({ ok: false, problems: ['"instance9" is not in the registry (instances: instance1, instance2, instance3)'] });
  });
});

describe('instance purge', () => {
  const removing = apply(state, { action: 'remove', id: 'instance3', graceDays: 30 });

  it('refuses during the grace period, naming the first day it may run', () => {
    for (const today of ['2026-03-01', '2026-03-31']) {
      expect(changeRegistry(removing, { action: 'purge', id: 'instance3' }, { ...context, today })).toEqual({
        ok: false,
        problems: ['instance3 is in its grace period until 2026-03-31: it can be purged from 2026-04-01 on'],
      });
    }
  });

  it('refuses an instance that is not being removed', () => {
    const result = changeRegistry(removing, { action: 'purge', id: 'instance2' }, { ...context, today: '2026-05-01' });
    expect(!result.ok && result.problems[0]).toContain('instance2 is not scheduled for removal');
  });

  it('takes the instance out of the registry and of every plan once the day has passed', () => {
    const purged = apply(removing, { action: 'purge', id: 'instance3' }, '2026-04-01');
    expect(purged.entries.map((e) => e.id)).toEqual(['instance1', 'instance2']);
    expect(purged.matrix).toEqual({ STARTER: ['instance1'], PRO: ['instance1', 'instance2'], ENTERPRISE: ['instance1', 'instance2'] });
  });
});

describe('addDays', () => {
  it('counts in UTC days across months, years and leap days', () => {
    expect(addDays('2026-01-31', 30)).toBe('2026-03-02');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
