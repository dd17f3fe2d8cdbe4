// Schema pieces for configuration that both tiers read from string variables (wrangler vars, env).
import { z } from 'zod';
import { PLANS, type Plan } from './plan-matrix.ts';

/** A variable holding JSON: a parse error becomes one readable issue on that variable, then `schema` applies. */
export function jsonVariable<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/** The plan → instances matrix as configuration may give it (PLAN_MATRIX). */
export const PlanMatrixSchema = z.object(
  Object.fromEntries(PLANS.map((plan) => [plan, z.array(z.string()).max(100)])) as Record<Plan, z.ZodArray<z.ZodString>>,
);
