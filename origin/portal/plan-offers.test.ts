import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_MATRIX } from '#shared/plan-matrix';
import { planOffers } from './plan-offers.ts';

const registry = ['instance1', 'instance2', 'instance3'].map((id, i) => ({ id, origin: 'http://127.0.0.1:1', title: `Wiki ${i + 1}`, maintenance: false }));

describe('plan offers', () => {
  it('lists every plan with the instances it opens, in plan order', () => {
    const offers = planOffers(DEFAULT_PLAN_MATRIX, registry, null, null);
    expect(offers.map((o) => [o.plan, o.instances.map((i) => i.title)])).toEqual([
      ['STARTER', ['Wiki 1']],
      ['PRO', ['Wiki 1', 'Wiki 2']],
      ['ENTERPRISE', ['Wiki 1', 'Wiki 2', 'Wiki 3']],
    ]);
  });

  it('marks the current plan and the plans that open the instance the user wanted', () => {
    const offers = planOffers(DEFAULT_PLAN_MATRIX, registry, 'STARTER', 'instance2');
    expect(offers.map((o) => [o.plan, o.current, o.opensWanted])).toEqual([
      ['STARTER', true, false],
      ['PRO', false, true],
      ['ENTERPRISE', false, true],
    ]);
  });

  it('offers every plan to subscribe to without a plan, and the others as an upgrade or a downgrade with one', () => {
    expect(planOffers(DEFAULT_PLAN_MATRIX, registry, null, null).map((o) => o.action)).toEqual(['subscribe', 'subscribe', 'subscribe']);
    expect(planOffers(DEFAULT_PLAN_MATRIX, registry, 'PRO', null).map((o) => o.action)).toEqual(['downgrade', null, 'upgrade']);
  });

  it('leaves out instances the registry does not have', () => {
    const offers = planOffers(DEFAULT_PLAN_MATRIX, registry.slice(0, 1), null, null);
    expect(offers.at(-1)!.instances.map((i) => i.id)).toEqual(['instance1']);
  });
});
