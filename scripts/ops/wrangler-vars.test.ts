import { describe, expect, it } from 'vitest';
import { productionVars, setProductionVar } from './wrangler-vars.ts';

const toml = [
  '[vars]',
  'INSTANCES = ""',
  '',
  '[env.production.vars]',
  'DOMAIN = "example.com"',
  '# The registry.',
  `INSTANCES = '[{"id":"alpha"}]'`,
  'PLAN_MATRIX = "" # empty = default',
  'ESCAPED = "a\\"b\\u00e9"',
  'NUMBER = 3',
  '',
  '[[env.production.ratelimits]]',
  'name = "X"',
  '',
].join('\n');

describe('wrangler.toml production variables as text', () => {
  it('reads the one-line strings of [env.production.vars] only', () => {
    const read = productionVars(toml);
    if (!read.ok) throw new Error(read.problem);
    expect(read.vars.get('INSTANCES')!.value).toBe('[{"id":"alpha"}]');
    expect(read.vars.get('PLAN_MATRIX')!.value).toBe('');
    expect(read.vars.get('ESCAPED')!.value).toBe('a"bé');
    expect(read.unreadable).toEqual(new Set(['NUMBER']));
    expect(read.vars.has('name')).toBe(false);
  });

  it('rewrites one line, keeping comments and every other line', () => {
    const out = setProductionVar(toml, 'PLAN_MATRIX', '{"STARTER":[]}');
    expect(out).toBe(toml.replace('PLAN_MATRIX = "" # empty', `PLAN_MATRIX = '{"STARTER":[]}' # empty`));
    expect(setProductionVar(out, 'PLAN_MATRIX', '')).toBe(toml);
  });

  it('writes a JSON value holding an apostrophe as \\u0027, which a TOML literal string cannot hold', () => {
    const out = setProductionVar(toml, 'INSTANCES', JSON.stringify([{ id: 'alpha', title: "Ops' wiki" }]));
    expect(out).toContain(`INSTANCES = '[{"id":"alpha","title":"Ops\\u0027 wiki"}]'`);
    const read = productionVars(out);
    expect(read.ok && JSON.parse(read.vars.get('INSTANCES')!.value)).toEqual([{ id: 'alpha', title: "Ops' wiki" }]);
  });

  it('adds a missing variable at the end of the section', () => {
    const out = setProductionVar(toml.replace('PLAN_MATRIX = "" # empty = default\n', ''), 'PLAN_MATRIX', '{}');
    expect(out).toContain(`NUMBER = 3\nPLAN_MATRIX = '{}'\n\n[[env.production.ratelimits]]`);
  });

  it('says so when there is no production section', () => {
    expect(productionVars('[vars]\nA = "1"\n')).toEqual({ ok: false, problem: 'wrangler.toml has no [env.production.vars] section' });
  });
});
