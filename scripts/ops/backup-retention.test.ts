import { describe, expect, it } from 'vitest';
import { applyRetention, DEFAULT_RETENTION, type RetentionPolicy } from './backup-retention.ts';

// Backups named by their time ("2026-11-21T03"): the key is the stamp, the time is that hour UTC.
const at = (stamp: string) => ({ key: stamp, time: new Date(`${stamp}:00:00Z`) });
/** One 03:00 backup a day, `count` days back from (and including) `last`. */
function daily(last: string, count: number): string[] {
  const end = Date.parse(`${last}T03:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(end - i * 86_400_000).toISOString().slice(0, 13));
}

interface Case {
  name: string;
  backups: string[];
  policy?: RetentionPolicy;
  protect?: string[];
  deleted: string[];
}

// 2026-11-23 is a Monday, 2026-11-22 a Sunday.
const cases: Case[] = [
  { name: 'deletes nothing when there are fewer backups than days to keep', backups: daily('2026-11-21', 5), deleted: [] },
  {
    name: 'keeps 7 dailies and the newest of each of 4 weeks out of 30 consecutive days',
    backups: daily('2026-11-30', 30),
    // Days 24-30 are the dailies; weeks: 30 (Mon 30), 29 (Sun, week of Mon 23), 22 (week of 16), 15 (week of 9).
    deleted: daily('2026-11-30', 30).filter((s) => !['2026-11-30', '2026-11-29', '2026-11-28', '2026-11-27', '2026-11-26', '2026-11-25', '2026-11-24', '2026-11-22', '2026-11-15'].includes(s.slice(0, 10))),
  },
  {
    name: 'keeps every backup of a kept day, not only its newest (a backup by hand survives the next one that day)',
    backups: ['2026-11-21T03', '2026-11-21T14', '2026-11-21T09', '2026-11-20T03'],
    policy: { keepDaily: 1, keepWeekly: 0 },
    deleted: ['2026-11-20T03'],
  },
  {
    name: 'counts only days that have a backup: a two-week gap deletes nothing',
    backups: ['2026-11-21T03', '2026-11-06T03', '2026-11-05T03'],
    policy: { keepDaily: 3, keepWeekly: 0 },
    deleted: [],
  },
  {
    name: 'weekly keeps the newest backup of each week, weeks starting on Monday (UTC)',
    backups: ['2026-11-23T03', '2026-11-22T23', '2026-11-22T03', '2026-11-16T03', '2026-11-15T03', '2026-11-09T03'],
    policy: { keepDaily: 0, keepWeekly: 3 },
    // Weeks of Monday 23, 16 (16-22: its newest is Sunday 22 at 23:00) and 9 (9-15).
    deleted: ['2026-11-22T03', '2026-11-16T03', '2026-11-09T03'],
  },
  {
    name: 'weekly reaches across a year boundary',
    backups: ['2027-01-01T03', '2026-12-28T03', '2026-12-27T03', '2026-12-20T03'],
    policy: { keepDaily: 0, keepWeekly: 2 },
    // 2027-01-01 (Fri) and 2026-12-28 (Mon) share a week.
    deleted: ['2026-12-28T03', '2026-12-20T03'],
  },
  {
    name: 'never deletes the newest backup, even with nothing to keep',
    backups: ['2026-11-21T03', '2026-11-20T03'],
    policy: { keepDaily: 0, keepWeekly: 0 },
    deleted: ['2026-11-20T03'],
  },
  {
    name: 'never deletes a protected backup, even one older than what the policy keeps',
    backups: ['2026-11-21T03', '2026-11-20T03', '2026-11-19T03'],
    policy: { keepDaily: 1, keepWeekly: 0 },
    protect: ['2026-11-19T03'],
    deleted: ['2026-11-20T03'],
  },
  { name: 'an empty list deletes nothing', backups: [], deleted: [] },
];

describe('applyRetention', () => {
  it.each(cases)('$name', ({ backups, policy, protect, deleted }) => {
    const decision = applyRetention(backups.map(at), policy ?? DEFAULT_RETENTION, protect);
    expect([...decision.delete].sort()).toEqual([...deleted].sort());
    expect(decision.keep.length + decision.delete.length).toBe(backups.length);
  });

  it('says why each kept backup stays, newest first', () => {
    const decision = applyRetention(['2026-11-20T03', '2026-11-21T03', '2026-11-13T03'].map(at), { keepDaily: 1, keepWeekly: 2 }, ['2026-11-13T03']);
    expect(decision.keep).toEqual([
      { key: '2026-11-21T03', reasons: ['newest', 'daily', 'weekly'] },
      { key: '2026-11-13T03', reasons: ['protected', 'weekly'] },
    ]);
    expect(decision.delete).toEqual(['2026-11-20T03']);
  });

  it('does not depend on the order of the listing', () => {
    const backups = daily('2026-11-30', 20).map(at);
    const forward = applyRetention(backups, DEFAULT_RETENTION);
    const backward = applyRetention([...backups].reverse(), DEFAULT_RETENTION);
    expect(backward).toEqual(forward);
  });

  it('refuses a negative or fractional count', () => {
    expect(() => applyRetention([], { keepDaily: -1, keepWeekly: 4 })).toThrow(TypeError);
    expect(() => applyRetention([], { keepDaily: 7, keepWeekly: 1.5 })).toThrow(TypeError);
  });
});
