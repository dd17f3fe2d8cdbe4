import { describe, expect, it } from 'vitest';
import { planGrantChanges } from './plan-grant-changes.ts';

describe('planGrantChanges', () => {
  it('grants the paid plan to a user without one, and records it as the portal\'s', () => {
    expect(planGrantChanges('PRO', [], [])).toEqual({ join: 'PRO', leave: [], heldOutside: false });
  });

  it('moves its own grant on an upgrade, joining before leaving', () => {
    expect(planGrantChanges('ENTERPRISE', ['PRO'], ['PRO'])).toEqual({ join: 'ENTERPRISE', leave: ['PRO'], heldOutside: false });
  });

  it('adds a cheaper paid plan beside a plan an administrator set, and never removes the administrator\'s', () => {
    expect(planGrantChanges('STARTER', ['ENTERPRISE'], [])).toEqual({ join: 'STARTER', leave: [], heldOutside: false });
    expect(planGrantChanges(null, ['ENTERPRISE', 'STARTER'], ['STARTER'])).toEqual({ join: null, leave: ['STARTER'], heldOutside: false });
  });

  it('neither records nor later removes a group the user already held when the plan was paid for', () => {
    expect(planGrantChanges('PRO', ['PRO'], [])).toEqual({ join: null, leave: [], heldOutside: true });
    expect(planGrantChanges(null, ['PRO'], [])).toEqual({ join: null, leave: [], heldOutside: false });
  });

  it('changes nothing when its grant is already in place, and takes back a grant whose group someone removed', () => {
    expect(planGrantChanges('PRO', ['PRO'], ['PRO'])).toEqual({ join: null, leave: [], heldOutside: false });
    expect(planGrantChanges(null, [], ['PRO'])).toEqual({ join: null, leave: ['PRO'], heldOutside: false });
  });
});
