// The instance registry: which instances exist, where their origin lives, whether they are in maintenance.
// Configuration, not code: adding an instance is a new entry here (wrangler var INSTANCES), nothing else.
import { z } from 'zod';
import { isValidInstanceId } from './instance-id.ts';

export const InstanceEntrySchema = z
  .object({
    id: z.string().refine(isValidInstanceId, 'must be a lowercase id like "instance1", not a reserved name (app, sso, www, api, admin, static, media, portal)'),
    origin: z.url({ protocol: /^https?$/ }),
    title: z.string().min(1).max(100).optional(),
    maintenance: z.boolean().default(false),
    // Set by `platform instance remove`: the day (UTC) from which `instance purge` may delete it. Until then the
    // instance only sits in maintenance, so a removal can still be called off (`instance resume`).
    removeAfter: z.iso.date('must be a date like 2026-12-31 (YYYY-MM-DD, UTC)').optional(),
  })
  .refine((entry) => entry.removeAfter === undefined || entry.maintenance, {
    message: 'an instance scheduled for removal (removeAfter) must be in maintenance ("maintenance": true)',
    path: ['removeAfter'],
  });
export type InstanceEntry = z.infer<typeof InstanceEntrySchema>;

export const InstanceRegistrySchema = z
  .array(InstanceEntrySchema)
  .min(1)
  .refine((list) => new Set(list.map((i) => i.id)).size === list.length, 'instance ids must be unique');
export type InstanceRegistry = z.infer<typeof InstanceRegistrySchema>;
