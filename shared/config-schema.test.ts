import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jsonVariable, PlanMatrixSchema } from './config-schema.ts';

describe('configuration schema pieces', () => {
  it('parses a JSON variable and checks it against the schema', () => {
    expect(jsonVariable(z.array(z.number())).parse('[1,2]')).toEqual([1, 2]);
  });

  it('reports a JSON variable that does not parse as one readable issue', () => {
    const result = jsonVariable(z.array(z.number())).safeParse('[1,');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual(['must be valid JSON']);
  });

  it('accepts a plan matrix naming every plan and refuses one missing a plan', () => {
    expect(PlanMatrixSchema.safeParse({ STARTER: ['a'], PRO: ['a', 'b'], ENTERPRISE: ['a', 'b', 'c'] }).success).toBe(true);
    expect(PlanMatrixSchema.safeParse({ STARTER: ['a'], PRO: ['a'] }).success).toBe(false);
  });
});
