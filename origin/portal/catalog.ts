// What the portal shows a user: every instance of the registry, whether their plan opens it, and if not,
// which plans would. Pure, on top of the shared plan matrix.
import type { InstanceRegistry } from '#shared/instance-registry';
import { instancesFor, plansIncluding, type AccessSubject, type Plan, type PlanMatrix } from '#shared/plan-matrix';
import { publicUrl } from '../common/public-url.ts';

export interface CatalogEntry {
  id: string;
  title: string;
  url: string;
  allowed: boolean;
  maintenance: boolean;
  /** Closed by `platform instance remove`: the day (UTC) after which it may be purged unless restored first. */
  removeAfter: string | null;
  /** Plans that include this instance, cheapest first (the way to upgrade when not allowed). */
  plans: Plan[];
}

export function instanceCatalog(subject: AccessSubject, registry: InstanceRegistry, matrix: PlanMatrix, urlPattern: string): CatalogEntry[] {
  const allowed = new Set(instancesFor(subject, matrix, registry.map((i) => i.id)));
  return registry.map((instance) => ({
    id: instance.id,
    title: instance.title ?? instance.id,
    url: publicUrl(urlPattern, instance.id),
    allowed: allowed.has(instance.id),
    maintenance: instance.maintenance,
    removeAfter: instance.removeAfter ?? null,
    plans: plansIncluding(instance.id, matrix),
  }));
}
