import { describe, expect, it } from 'vitest';
import { diffRevisions, MAX_DIFF_CHANGES } from './diff.ts';

describe('revision diff', () => {
  it('marks added and removed lines and counts them', () => {
    const d = diffRevisions('a\nb\nc\n', 'a\nB\nc\nd\n')!;
    expect(d.added).toBe(2);
    expect(d.removed).toBe(1);
    expect(d.lines).toEqual([
      { op: 'same', text: 'a' },
      { op: 'removed', text: 'b' },
      { op: 'added', text: 'B' },
      { op: 'same', text: 'c' },
      { op: 'added', text: 'd' },
    ]);
  });

  it('folds long unchanged stretches into a gap with three lines of context', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 10', 'line ten');
    const d = diffRevisions(before, after)!;
    expect(d.lines[0]).toEqual({ op: 'gap', hidden: 7 });
    expect(d.lines.filter((l) => l.op === 'same')).toHaveLength(6);
    expect(d.lines.at(-1)).toEqual({ op: 'gap', hidden: 6 });
  });

  it('shows nothing changed for identical texts', () => {
    expect(diffRevisions('same\n', 'same\n')).toMatchObject({ added: 0, removed: 0 });
  });

  it('gives up on texts that differ in more lines than it compares, instead of working for minutes', () => {
    const lines = (n: number, word: string) => Array.from({ length: n }, (_, i) => `${word} ${i}`).join('\n');
    expect(diffRevisions(lines(MAX_DIFF_CHANGES, 'before'), lines(MAX_DIFF_CHANGES, 'after'))).toBeNull();
  });

  it('still compares a long text with a few changes', () => {
    const before = Array.from({ length: 50_000 }, (_, i) => `line ${i}`).join('\n');
    const d = diffRevisions(before, before.replace('line 25000\n', 'changed\n'));
    expect(d).toMatchObject({ added: 1, removed: 1 });
  });
});
