// `platform instance …` planned in full before anything is written: given the text of every file that lists
// instances and the command, the new text of each file that changes, or why not. The registry and plan
// matrix change in wrangler.toml; add and purge also clone or drop the instance's entries in the compose
// file, Prometheus' targets, env.example and the bucket's CORS origins, all checked with the shared schemas
// and `platform check` before the caller writes a byte. Pure.
import { parse as parseYaml } from 'yaml';
import { PlanMatrixSchema } from '#shared/config-schema';
import { InstanceRegistrySchema, type InstanceRegistry } from '#shared/instance-registry';
import { DEFAULT_PLAN_MATRIX, PLANS, type PlanMatrix } from '#shared/plan-matrix';
import { R2CorsPolicySchema } from '../../deploy/r2/cors-rules.ts';
import { checkPlatformConfig, formatProblems } from './config-check.ts';
import { envEntryList } from './env-lines.ts';
import { editEnvFile } from './instance-env-file.ts';
import { cloneInstanceEntries, removeInstanceEntries, type EntryList } from './instance-entries.ts';
import { linesMentioning, namesInstance } from './instance-mentions.ts';
import { changeRegistry, type InstanceAction, type RawEntry } from './instance-registry-change.ts';
import { applyEdits, type TextEdit } from './text-edits.ts';
import { productionVars, setProductionVar } from './wrangler-vars.ts';
import { yamlEntryLists } from './yaml-entry-lists.ts';

/** The repo files the command reads, by role; the realm is read only (plan groups are per plan, not per instance). */
export const REPO_FILES = {
  wrangler: 'wrangler.toml',
  compose: 'docker-compose.yml',
  prometheus: 'deploy/monitoring/prometheus.yml',
  envExample: 'deploy/env.example',
  cors: 'deploy/r2/cors.json',
  realm: 'deploy/keycloak/realm-wikiplatform.json',
} as const;
export type RepoFile = keyof typeof REPO_FILES;
export type RepoTexts = Record<RepoFile, string>;

/** Files whose instance entries add clones and purge removes. */
const LISTING_FILES = ['compose', 'prometheus', 'envExample', 'cors'] as const satisfies readonly RepoFile[];

export interface PlanInput {
  files: RepoTexts;
  /** The origin host's .env, when the operator gave --env-file. */
  envFile?: string;
  action: InstanceAction;
  today: string;
  /** A fresh random password, used only when add must put one in the env file. Never printed. */
  newPassword: string;
}

export interface FileChange {
  file: RepoFile | 'envFile';
  before: string;
  after: string;
}

export interface PlannedChange {
  ok: true;
  /** Files whose text changes; empty when the command has nothing to do. */
  changes: FileChange[];
  notes: string[];
  /** Things the operator should look at (a mention a purge could not remove, a comment). */
  warnings: string[];
  /** The registry and plan matrix values after the change, as wrangler.toml and .env hold them ("" = default matrix). */
  instancesJson: string;
  planMatrixJson: string;
  /** wrangler.toml's production DOMAIN, S3_BUCKET and S3_ENDPOINT, for the printed steps. */
  production: { domain: string; bucket: string; endpoint: string };
  /** The variables the env file got (never their values when secret). */
  envFileChanges: string[];
  /** The instance's entry after the change (undefined once purged). */
  entry?: RawEntry;
}

export type PlanResult = PlannedChange | { ok: false; code: 1 | 2; problems: string[] };

export function planInstanceChange(input: PlanInput): PlanResult {
  const { files, action } = input;
  const vars = productionVars(files.wrangler);
  if (!vars.ok) return refuse([vars.problem]);
  const unreadable = ['DOMAIN', 'INSTANCES', 'PLAN_MATRIX'].filter((name) => vars.unreadable.has(name));
  if (unreadable.length) return refuse(unreadable.map((name) => `wrangler.toml [env.production.vars] ${name}: not a one-line string this tool can edit; write it as ${name} = '…'`));
  const domain = vars.vars.get('DOMAIN')?.value;
  const instancesJson = vars.vars.get('INSTANCES')?.value;
  if (!domain || !instancesJson) return refuse([`wrangler.toml [env.production.vars] needs DOMAIN and INSTANCES`]);
  const current = readState(instancesJson, vars.vars.get('PLAN_MATRIX')?.value ?? '');
  if (!current.ok) return refuse(current.problems);

  const change = changeRegistry({ entries: current.entries, matrix: current.matrix }, action, { domain, today: input.today });
  if (!change.ok) return refuse(change.problems);
  const production = { domain, bucket: vars.vars.get('S3_BUCKET')?.value ?? '<bucket>', endpoint: vars.vars.get('S3_ENDPOINT')?.value ?? '<S3 endpoint>' };
  const entry = change.state.entries.find((e) => e.id === action.id);
  const base = { notes: change.notes, warnings: [] as string[], production, envFileChanges: [] as string[], entry };
  if (!change.changed) return { ok: true, changes: [], instancesJson, planMatrixJson: current.planMatrixJson, ...base };

  const newInstancesJson = JSON.stringify(change.state.entries);
  const matrixChanges = action.action === 'add' || action.action === 'purge';
  const newMatrixJson = matrixChanges ? matrixValue(change.state.matrix) : current.planMatrixJson;
  let wrangler = setProductionVar(files.wrangler, 'INSTANCES', newInstancesJson);
  if (newMatrixJson !== current.planMatrixJson) wrangler = setProductionVar(wrangler, 'PLAN_MATRIX', newMatrixJson);
  const after: RepoTexts = { ...files, wrangler };

  const ids = current.entries.map((e) => e.id);
  if (action.action === 'add') {
    const cloned = addToFiles(files, action.id, ids);
    if (!cloned.ok) return cloned;
    Object.assign(after, cloned.texts);
  } else if (action.action === 'purge') {
    const purged = purgeFromFiles(files, action.id, ids);
    if (!purged.ok) return purged;
    Object.assign(after, purged.texts);
    base.warnings.push(...purged.warnings);
    const left = linesMentioning(wrangler, action.id);
    if (left.length) base.warnings.push(`wrangler.toml still mentions "${action.id}" on line ${left.join(', ')}: edit it by hand`);
  }

  const problems = checkResult(after, newInstancesJson, newMatrixJson);
  if (problems.length) return { ok: false, code: 1, problems };

  const changes: FileChange[] = (Object.keys(REPO_FILES) as RepoFile[]).filter((f) => after[f] !== files[f]).map((f) => ({ file: f, before: files[f], after: after[f] }));
  if (input.envFile !== undefined) {
    const env = editEnvFile(input.envFile, { action, ids, instancesJson: newInstancesJson, planMatrixJson: newMatrixJson, newPassword: input.newPassword });
    base.envFileChanges.push(...env.changed);
    if (env.text !== input.envFile) changes.push({ file: 'envFile', before: input.envFile, after: env.text });
  }
  return { ok: true, changes, instancesJson: newInstancesJson, planMatrixJson: newMatrixJson, ...base };
}

type StateResult = { ok: true; entries: RawEntry[]; matrix: PlanMatrix; planMatrixJson: string } | { ok: false; problems: string[] };

/** The current registry and matrix, which must already be valid: this tool does not build on a broken registry. */
function readState(instancesJson: string, planMatrixJson: string): StateResult {
  const where = 'wrangler.toml [env.production.vars]';
  let raw: unknown;
  try {
    raw = JSON.parse(instancesJson);
  } catch {
    return { ok: false, problems: [`${where} INSTANCES: not valid JSON`] };
  }
  const registry = InstanceRegistrySchema.safeParse(raw);
  if (!registry.success) return { ok: false, problems: registry.error.issues.map((i) => `${where} INSTANCES[${i.path.join('.')}]: ${i.message}`) };
  let matrix: PlanMatrix = DEFAULT_PLAN_MATRIX;
  if (planMatrixJson.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(planMatrixJson);
    } catch {
      return { ok: false, problems: [`${where} PLAN_MATRIX: not valid JSON`] };
    }
    const checked = PlanMatrixSchema.safeParse(parsed);
    if (!checked.success) return { ok: false, problems: checked.error.issues.map((i) => `${where} PLAN_MATRIX.${i.path.join('.')}: ${i.message}`) };
    matrix = checked.data;
  }
  return { ok: true, entries: raw as RawEntry[], matrix, planMatrixJson };
}

/** PLAN_MATRIX as written: empty when it is the default of shared/plan-matrix.ts (as the edge reads ""). */
export function matrixValue(matrix: PlanMatrix): string {
  const same = PLANS.every((plan) => JSON.stringify(matrix[plan]) === JSON.stringify(DEFAULT_PLAN_MATRIX[plan]));
  return same ? '' : JSON.stringify(Object.fromEntries(PLANS.map((plan) => [plan, matrix[plan]])));
}

type FilesResult = { ok: true; texts: Partial<RepoTexts>; warnings: string[] } | { ok: false; code: 1 | 2; problems: string[] };

function entryLists(file: RepoFile, text: string, instances: readonly string[]): { ok: true; lists: EntryList[] } | { ok: false; problem: string } {
  if (file === 'envExample') return { ok: true, lists: [envEntryList(text)] };
  const read = yamlEntryLists(text, instances);
  return read.ok ? read : { ok: false, problem: `${REPO_FILES[file]}: ${read.problem}` };
}

function addToFiles(files: RepoTexts, id: string, ids: readonly string[]): FilesResult {
  const taken = LISTING_FILES.flatMap((f) => {
    const lines = linesMentioning(files[f], id);
    return lines.length ? [`${REPO_FILES[f]} already mentions "${id}" (line ${lines.join(', ')}): pick another id, or clean the file up first`] : [];
  });
  if (taken.length) return refuse(taken);
  // The template is the first instance with its own services: its entries, id substituted, are the new ones.
  const compose = parseYaml(files.compose, { merge: true }) as { services?: Record<string, unknown> } | null;
  const template = ids.find((t) => compose?.services?.[t] && compose.services[`db-${t}`]);
  if (!template) return refuse([`docker-compose.yml has no instance services to copy (a "<id>" and a "db-<id>" service of a registry instance)`]);

  const texts: Partial<RepoTexts> = {};
  for (const f of LISTING_FILES) {
    const lists = entryLists(f, files[f], [...ids, id]);
    if (!lists.ok) return refuse([lists.problem]);
    const text = applyEdits(files[f], cloneInstanceEntries(files[f], lists.lists, { template, id, existing: ids }));
    // Where the template is listed, the new instance must now be too.
    if (namesInstance(files[f], template) && !namesInstance(text, id)) return { ok: false, code: 1, problems: [`${REPO_FILES[f]}: could not add "${id}" next to "${template}"`] };
    texts[f] = text;
  }
  return { ok: true, texts, warnings: [] };
}

function purgeFromFiles(files: RepoTexts, id: string, ids: readonly string[]): FilesResult {
  const texts: Partial<RepoTexts> = {};
  const warnings: string[] = [];
  for (const f of LISTING_FILES) {
    const lists = entryLists(f, files[f], ids);
    if (!lists.ok) return refuse([lists.problem]);
    const text = applyEdits(files[f], removeInstanceEntries(files[f], lists.lists, id));
    const left = linesMentioning(text, id);
    if (left.length) warnings.push(`${REPO_FILES[f]} still mentions "${id}" on line ${left.join(', ')} (a comment, or an entry of a shape this tool does not know): edit it by hand`);
    texts[f] = text;
  }
  return { ok: true, texts, warnings };
}

/** The new files must parse, pass the shared schemas and `platform check`, as `check` reads them. */
function checkResult(after: RepoTexts, instancesJson: string, planMatrixJson: string): string[] {
  const registry = InstanceRegistrySchema.safeParse(JSON.parse(instancesJson));
  if (!registry.success) return registry.error.issues.map((i) => `the new INSTANCES would be invalid: [${i.path.join('.')}] ${i.message}`);
  const matrix = planMatrixJson === '' ? DEFAULT_PLAN_MATRIX : PlanMatrixSchema.safeParse(JSON.parse(planMatrixJson)).data;
  if (!matrix) return ['the new PLAN_MATRIX would be invalid'];
  const problems: string[] = [];
  const parsed = (file: RepoFile, parse: (text: string) => unknown) => {
    try {
      return parse(after[file]);
    } catch (err) {
      problems.push(`the new ${REPO_FILES[file]} would not parse: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      return undefined;
    }
  };
  const compose = parsed('compose', (t) => parseYaml(t, { merge: true, prettyErrors: false }));
  parsed('prometheus', (t) => parseYaml(t));
  const cors = parsed('cors', (t) => R2CorsPolicySchema.parse(JSON.parse(t)));
  const realm = parsed('realm', (t) => JSON.parse(t));
  if (problems.length || cors === undefined) return problems;
  const inconsistent = checkPlatformConfig({ registry: registry.data as InstanceRegistry, compose, realm, planMatrix: matrix });
  return inconsistent.length ? [`the files would be inconsistent (platform check):\n${formatProblems(inconsistent)}`] : [];
}

function refuse(problems: string[]): { ok: false; code: 2; problems: string[] } {
  return { ok: false, code: 2, problems };
}
