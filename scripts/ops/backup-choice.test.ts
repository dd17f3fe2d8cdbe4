import { describe, expect, it } from 'vitest';
import { chooseBackup } from './backup-choice.ts';
import { backupKey, backupPrefix } from './backup-key.ts';

const prefix = backupPrefix('instance1', 'instance');
const backup = (iso: string) => ({ key: backupKey('instance1', 'instance', new Date(iso)), time: new Date(iso) });
const list = [backup('2026-11-20T03:00:00Z'), backup('2026-11-21T03:00:00Z'), backup('2026-11-19T03:00:00Z')];

describe('chooseBackup', () => {
  it('takes the newest for "latest", whatever the listing order', () => {
    expect(chooseBackup(list, 'latest', prefix)).toEqual({ ok: true, backup: list[1] });
  });

  it.each(['2026-11-20T03-00-00Z', '2026-11-20T03:00:00Z', `${prefix}2026-11-20T03-00-00Z.dump`])('finds the backup named %s', (from) => {
    expect(chooseBackup(list, from, prefix)).toEqual({ ok: true, backup: list[0] });
  });

  it('names the newest backups when the one asked for does not exist', () => {
    expect(chooseBackup(list, '2026-11-18T03-00-00Z', prefix)).toEqual({
      ok: false,
      reason: 'unknown',
      problem: `--from 2026-11-18T03-00-00Z: no such backup under ${prefix} (newest: 2026-11-21T03-00-00Z, 2026-11-20T03-00-00Z, 2026-11-19T03-00-00Z)`,
    });
  });

  it('refuses what is neither "latest", a stamp nor a key of this database', () => {
    expect(chooseBackup(list, 'yesterday', prefix)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(chooseBackup(list, 'tenants/instance2/backups/2026-11-20T03-00-00Z.dump', prefix)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('says so when there is no backup at all', () => {
    expect(chooseBackup([], 'latest', prefix)).toEqual({ ok: false, reason: 'none', problem: `no backups under ${prefix}` });
  });
});
