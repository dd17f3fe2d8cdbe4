// Pure policy: which plan groups the portal adds and removes so that a user holds the plan paid for,
// touching only groups the portal itself granted. A plan group an administrator set stays whatever is
// bought or cancelled with that user's email; the user may then hold two plan groups, and the plan matrix
// gives them the best (planFromGroups in shared/plan-matrix.ts).
import type { Plan } from '#shared/plan-matrix';

export interface PlanGrantChanges {
  /** The group to add, recorded as the portal's grant before it is added (so a crash between the two leaves a record, never an unowned group). */
  join: Plan | null;
  /** The portal's earlier grants to take back: the group is left (if still held) and the record deleted. */
  leave: Plan[];
  /** The wanted group is held already without a portal grant: an administrator's, which the portal neither records nor will ever remove. */
  heldOutside: boolean;
}

/**
 * `wanted`: the plan the user's payments give them now (null: none). `member`: the plan groups the user
 * is in. `granted`: the plan groups the portal's records say it granted to this user.
 */
export function planGrantChanges(wanted: Plan | null, member: readonly Plan[], granted: readonly Plan[]): PlanGrantChanges {
  const join = wanted !== null && !member.includes(wanted) ? wanted : null;
  const heldOutside = wanted !== null && member.includes(wanted) && !granted.includes(wanted);
  return { join, leave: granted.filter((plan) => plan !== wanted), heldOutside };
}
