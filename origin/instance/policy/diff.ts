// Line diff between two revisions, with unchanged stretches folded to a few lines of context (pure).
import { diffLines } from 'diff';

export type DiffLine = { op: 'same' | 'added' | 'removed'; text: string } | { op: 'gap'; hidden: number };

export interface DiffSummary {
  lines: DiffLine[];
  added: number;
  removed: number;
}

const CONTEXT = 3;

export function diffRevisions(before: string, after: string): DiffSummary {
  const flat: { op: 'same' | 'added' | 'removed'; text: string }[] = [];
  // A last line without a newline would otherwise differ from the same line followed by more text.
  const withEol = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  for (const change of diffLines(withEol(before), withEol(after))) {
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
