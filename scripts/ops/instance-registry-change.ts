// What each `platform instance` command does to the registry and the plan matrix, and when it must refuse:
// add, suspend/resume (the maintenance flag), remove (maintenance plus a removeAfter day: a grace period,
// nothing deleted) and purge (gone, once that day has passed). Entries are kept as the JSON they were read
// from, so keys this tool does not know survive. Pure.
import { isValidInstanceId, RESERVED_INSTANCE_IDS } from '#shared/instance-id';
import { PLANS, type Plan, type PlanMatrix } from '#shared/plan-matrix';

export type InstanceAction =
  | { action: 'add'; id: string; title: string; plans: readonly Plan[] }
  | { action: 'suspend'; id: string }
  | { action: 'resume'; id: string }
  | { action: 'remove'; id: string; graceDays: number }
  | { action: 'purge'; id: string };

/** A registry entry as JSON: id, origin, title, maintenance, removeAfter, and whatever else it holds. */
export type RawEntry = Record<string, unknown> & { id: string };

export interface RegistryState {
  entries: readonly RawEntry[];
  matrix: PlanMatrix;
}

export interface ChangeContext {
  /** The production domain (wrangler.toml DOMAIN): a new instance's origin is https://<id>.origin.<domain>. */
  domain: string;
  /** Today, UTC, YYYY-MM-DD. */
  today: string;
}

export type ChangeResult =
  | { ok: true; state: RegistryState; changed: boolean; notes: string[] }
  | { ok: false; problems: string[] };

/** Days between `instance remove` and the first day `instance purge` may run, unless --grace-days says otherwise. */
export const DEFAULT_GRACE_DAYS = 30;

/** Every instance is in the top plan; platform admins open every instance anyway. */
export const TOP_PLAN: Plan = 'ENTERPRISE';

export function changeRegistry(state: RegistryState, action: InstanceAction, context: ChangeContext): ChangeResult {
  const { id } = action;
  const index = state.entries.findIndex((e) => e.id === id);
  const known = `instances: ${state.entries.map((e) => e.id).join(', ')}`;
  if (action.action === 'add') {
    if (!isValidInstanceId(id)) {
      return refuse(`"${id}" is not a valid instance id: 3 to 32 characters, lowercase letters, digits and "-", starting with a letter and not ending with "-"; not ${RESERVED_INSTANCE_IDS.join(', ')}`);
    }
    if (index !== -1) return refuse(`"${id}" is already in the registry (${known})`);
    return add(state, action, context);
  }
  if (index === -1) return refuse(`"${id}" is not in the registry (${known})`);
  const entry = state.entries[index]!;
  const removeAfter = typeof entry.removeAfter === 'string' ? entry.removeAfter : undefined;
  const replace = (next: RawEntry): RegistryState => ({ ...state, entries: state.entries.map((e, i) => (i === index ? next : e)) });

  switch (action.action) {
    case 'suspend':
      if (entry.maintenance === true) return unchanged(state, `${id} is already in maintenance${removeAfter ? ` (to be removed after ${removeAfter})` : ''}: nothing to change`);
      return changed(replace({ ...entry, maintenance: true }), [`${id}: maintenance on (its host answers the maintenance page, 503; other instances are not affected)`]);
    case 'resume': {
      if (entry.maintenance !== true && !removeAfter) return unchanged(state, `${id} is not in maintenance: nothing to change`);
      const { removeAfter: _dropped, ...rest } = entry;
      const notes = [`${id}: maintenance off`];
      if (removeAfter) notes.push(`${id}: removal called off (it was to be removed after ${removeAfter})`);
      return changed(replace({ ...rest, id, maintenance: false }), notes);
    }
    case 'remove': {
      const day = addDays(context.today, action.graceDays);
      const notes = [`${id}: maintenance on, to be removed after ${day} (${action.graceDays} day${action.graceDays === 1 ? '' : 's'} from ${context.today}); nothing is deleted now`];
      if (removeAfter && removeAfter !== day) notes.push(`${id}: was to be removed after ${removeAfter}`);
      if (removeAfter === day && entry.maintenance === true) return unchanged(state, `${id} is already to be removed after ${day}: nothing to change`);
      return changed(replace({ ...entry, maintenance: true, removeAfter: day }), notes);
    }
    case 'purge': {
      if (!removeAfter) return refuse(`${id} is not scheduled for removal: run \`npm run platform -- instance remove ${id}\` first (it starts the grace period)`);
      if (context.today <= removeAfter) return refuse(`${id} is in its grace period until ${removeAfter}: it can be purged from ${addDays(removeAfter, 1)} on`);
      if (state.entries.length === 1) return refuse(`${id} is the only instance: the registry may not be empty`);
      const matrix = mapPlans(state.matrix, (ids) => ids.filter((i) => i !== id));
      const left = PLANS.filter((plan) => state.matrix[plan].includes(id));
      const empty = left.filter((plan) => matrix[plan].length === 0);
      return changed({ entries: state.entries.filter((e) => e.id !== id), matrix }, [
        `${id}: removed from the registry`,
        ...(left.length ? [`plan matrix: ${id} taken out of ${left.join(', ')}`] : []),
        ...(empty.length ? [`plan matrix: ${empty.join(', ')} now open${empty.length === 1 ? 's' : ''} no instance`] : []),
      ]);
    }
  }
}

function add(state: RegistryState, action: Extract<InstanceAction, { action: 'add' }>, context: ChangeContext): ChangeResult {
  const { id } = action;
  const plans = PLANS.filter((plan) => plan === TOP_PLAN || action.plans.includes(plan));
  const entry: RawEntry = { id, origin: `https://${id}.origin.${context.domain}`, title: action.title, maintenance: false };
  const notes = [`${id}: added, origin ${entry.origin}, title ${JSON.stringify(action.title)}, not in maintenance`, `plan matrix: ${id} opened by ${plans.join(', ')}`];
  if (!action.plans.includes(TOP_PLAN)) notes.push(`plan matrix: ${TOP_PLAN} added to the plans asked for: every instance is in the top plan`);
  const matrix = mapPlans(state.matrix, (ids, plan) => (plans.includes(plan) ? [...ids, id] : ids));
  return changed({ entries: [...state.entries, entry], matrix }, notes);
}

function mapPlans(matrix: PlanMatrix, f: (ids: readonly string[], plan: Plan) => readonly string[]): PlanMatrix {
  return Object.fromEntries(PLANS.map((plan) => [plan, f(matrix[plan], plan)])) as Record<Plan, readonly string[]>;
}

/** `day` (YYYY-MM-DD) plus `n` days, in UTC. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

function refuse(problem: string): ChangeResult {
  return { ok: false, problems: [problem] };
}

function changed(state: RegistryState, notes: string[]): ChangeResult {
  return { ok: true, state, changed: true, notes };
}

function unchanged(state: RegistryState, note: string): ChangeResult {
  return { ok: true, state, changed: false, notes: [note] };
}
