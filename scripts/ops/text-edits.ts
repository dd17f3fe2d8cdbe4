// Splicing edits into a file's text, so everything the edit does not touch stays byte for byte as it was
// (comments, quoting, spacing), which a parse-and-print round trip does not promise. Pure.

export interface TextEdit {
  start: number;
  end: number;
  insert: string;
}

/** Applies non-overlapping edits (any order); throws TypeError on overlap, a bug in the caller. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let limit = Infinity;
  for (const edit of sorted) {
    if (edit.end > limit || edit.start > edit.end) throw new TypeError(`overlapping text edits at ${edit.start}-${edit.end}`);
    out = out.slice(0, edit.start) + edit.insert + out.slice(edit.end);
    limit = edit.start;
  }
  return out;
}

/** Offset of the start of the line holding `at`. */
export function lineStart(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

/** Offset just past the newline ending the line that holds the character before `end` (or the text's end). */
export function lineEnd(text: string, end: number): number {
  const newline = text.indexOf('\n', Math.max(end - 1, 0));
  return newline === -1 ? text.length : newline + 1;
}

/** The blank lines right above the line starting at `start` (each with its newline). */
export function blankLinesBefore(text: string, start: number): string {
  return /\n((?:[ \t]*\n)*)$/.exec(text.slice(0, start))?.[1] ?? '';
}
