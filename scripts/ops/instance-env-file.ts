// The origin host's .env for `platform instance --env-file`: the registry and plan matrix as the edge gets
// them (the portal reads both from there, the backup service INSTANCES), a new database's password on add, and the
// instance's own lines dropped on purge. Pure: the caller reads and writes the file and makes the password.
import { envEntryList, envValue, setEnvVariable, singleQuotedJson } from './env-lines.ts';
import { removeInstanceEntries } from './instance-entries.ts';
import { namesInstance, variableToken } from './instance-mentions.ts';
import type { InstanceAction } from './instance-registry-change.ts';
import { applyEdits } from './text-edits.ts';

export interface EnvEdit {
  action: InstanceAction;
  ids: readonly string[];
  instancesJson: string;
  planMatrixJson: string;
  newPassword: string;
}

/** The origin host's .env: the registry and matrix as the edge gets them; add gives the new database a password, purge drops its lines. */
export function editEnvFile(text: string, edit: EnvEdit): { text: string; changed: string[] } {
  const changed: string[] = [];
  const set = (out: string, name: string, value: string, after: readonly string[] = []) => {
    const next = setEnvVariable(out, name, value, after);
    if (next !== out) changed.push(name);
    return next;
  };
  let out = set(text, 'INSTANCES', singleQuotedJson(edit.instancesJson));
  if (edit.planMatrixJson !== '' || envValue(out, 'PLAN_MATRIX') !== undefined) {
    out = set(out, 'PLAN_MATRIX', edit.planMatrixJson === '' ? '' : singleQuotedJson(edit.planMatrixJson), ['INSTANCES']);
  }
  const { id } = edit.action;
  const password = `${variableToken(id)}_DB_PASSWORD`;
  if (edit.action.action === 'add' && !envValue(out, password)) {
    out = setEnvVariable(out, password, edit.newPassword, edit.ids.map((i) => `${variableToken(i)}_DB_PASSWORD`));
    changed.push(`${password} (a new random password, not shown)`);
  }
  if (edit.action.action === 'purge') {
    const removed = envEntryList(out).entries.filter((e) => namesInstance(e.name, id)).map((e) => `${e.name} removed`);
    out = applyEdits(out, removeInstanceEntries(out, [envEntryList(out)], id));
    changed.push(...removed);
  }
  return { text: out, changed };
}
