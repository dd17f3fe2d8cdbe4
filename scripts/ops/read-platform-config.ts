// Reads what `platform check` compares: the registry and plan matrix (JSON, as the edge takes them), the
// compose file and the realm file. Problems with the inputs themselves come back as check problems.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { jsonVariable, PlanMatrixSchema } from '#shared/config-schema';
import { DEFAULT_PLAN_MATRIX, type PlanMatrix } from '#shared/plan-matrix';
import type { ConfigProblem, PlatformConfig } from './config-check.ts';
import { parseRegistry } from './migration-targets.ts';

export interface ConfigSources {
  /** The registry JSON (INSTANCES), already read from the environment or a file. */
  instancesJson: string | undefined;
  instancesSource: string;
  /** PLAN_MATRIX JSON; empty or undefined means the default of shared/plan-matrix.ts, as at the edge. */
  planMatrixJson: string | undefined;
  composePath: string;
  realmPath: string;
}

export type ReadResult = { ok: true; config: PlatformConfig } | { ok: false; problems: ConfigProblem[] };

export async function readPlatformConfig(sources: ConfigSources): Promise<ReadResult> {
  const problems: ConfigProblem[] = [];
  const registry = parseRegistry(sources.instancesJson, sources.instancesSource);
  if (!registry.ok) problems.push(...registry.problems.map((p) => ({ area: 'registry' as const, problem: p, fix: 'give a JSON array of {"id","origin","title"?,"maintenance","removeAfter"?} with unique ids' })));

  const planMatrix = parsePlanMatrix(sources.planMatrixJson);
  if (!planMatrix.ok) problems.push({ area: 'plan-matrix', problem: `PLAN_MATRIX: ${planMatrix.problem}`, fix: 'give {"STARTER":[…],"PRO":[…],"ENTERPRISE":[…]} or leave it empty for the default' });

  const compose = await readParsed(sources.composePath, (text) => parseYaml(text, { merge: true }) as unknown);
  if (!compose.ok) problems.push({ area: 'compose', problem: compose.problem, fix: `make ${sources.composePath} readable YAML` });
  const realm = await readParsed(sources.realmPath, (text) => JSON.parse(text) as unknown);
  if (!realm.ok) problems.push({ area: 'realm', problem: realm.problem, fix: `make ${sources.realmPath} readable JSON` });

  if (!registry.ok || !planMatrix.ok || !compose.ok || !realm.ok) return { ok: false, problems };
  return { ok: true, config: { registry: registry.registry, planMatrix: planMatrix.matrix, compose: compose.value, realm: realm.value } };
}

function parsePlanMatrix(json: string | undefined): { ok: true; matrix: PlanMatrix } | { ok: false; problem: string } {
  if (json === undefined || json.trim() === '') return { ok: true, matrix: DEFAULT_PLAN_MATRIX };
  const parsed = jsonVariable(PlanMatrixSchema).safeParse(json);
  return parsed.success ? { ok: true, matrix: parsed.data } : { ok: false, problem: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ') };
}

async function readParsed(path: string, parse: (text: string) => unknown): Promise<{ ok: true; value: unknown } | { ok: false; problem: string }> {
  try {
    return { ok: true, value: parse(await readFile(path, 'utf8')) };
  } catch (err) {
    return { ok: false, problem: `${path}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
}
