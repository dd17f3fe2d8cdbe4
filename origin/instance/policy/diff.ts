// Line diff between two revisions, with unchanged stretches folded to a few lines of context (pure).
import { diffLines } from 'diff';

export type DiffLine = { op: 'same' | 'added' | 'removed'; text: string } | { op: 'gap'; hidden: number };

export interface DiffSummary {
  lines: DiffLine[];
  added: number;
  removed: number;
}

const CONTEXT = 3;

/**
 * The most lines added plus removed a diff is worked out for. The work grows with the square of the
 * changes (about 0.1 s at this bound, seconds at a few thousand) and blocks the process serving everyone.
 */
export const MAX_DIFF_CHANGES = 1000;
/** A backstop for texts where even that takes long. */
const DIFF_TIMEOUT_MS = 1000;

/** The line diff, or null when the two texts differ too much to compare (see MAX_DIFF_CHANGES). */
export function diffRevisions(before: string, after: string): DiffSummary | null {
  const flat: { op: 'same' | 'added' | 'removed'; text: string }[] = [];
  // A last line without a newline would otherwise differ from the same line followed by more text.
  const withEol = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  const changes = diffLines(withEol(before), withEol(after), { maxEditLength: MAX_DIFF_CHANGES, timeout: DIFF_TIMEOUT_MS });
  if (!changes) return null;
  for (const change of changes) {
    const op = change.added ? 'added' : change.removed ? 'removed' : 'same';
    const lines = change.value.replace(/\n$/, '').split('\n');
    for (const text of lines) flat.push({ op, text });
  }
  const keep = flat.map((line, i) => line.op !== 'same' || flat.slice(Math.max(0, i - CONTEXT), i + CONTEXT + 1).some((l) => l.op !== 'same'));
  const lines: DiffLine[] = [];
  let hidden = 0;
  flat.forEach((line, i) => {
    if (keep[i]) {
      if (hidden) lines.push({ op: 'gap', hidden });
      hidden = 0;
      lines.push(line);
    } else hidden++;
  });
  if (hidden) lines.push({ op: 'gap', hidden });
  return {
    lines,
    added: flat.filter((l) => l.op === 'added').length,
    removed: flat.filter((l) => l.op === 'removed').length,
  };
}
