// Cloning and removing one instance's entries in a config file, wherever the file lists instances: the
// compose services, a `depends_on` list, the backup service's variables, the named volumes, Prometheus'
// targets, the bucket's CORS origins, env-file lines. Each list is handed in as entries with their source
// offsets; the new instance's entries are the template instance's source with the id substituted, placed
// after the last instance's, so they mirror what is already there exactly. Pure.
import { namesInstance, substituteInstance } from './instance-mentions.ts';
import { blankLinesBefore, lineEnd, lineStart, type TextEdit } from './text-edits.ts';

export interface Entry {
  /** A map key or a scalar item: what says which instance the entry belongs to. Empty for other items. */
  name: string;
  /** Source offsets of the entry itself (key to the end of its value). */
  start: number;
  end: number;
}

export interface EntryList {
  /** Flow lists (`[a, b]`, JSON arrays) are edited within the line; block lists line by line. */
  flow: boolean;
  entries: Entry[];
}

export interface CloneRequest {
  /** An existing instance whose entries are copied. */
  template: string;
  /** The new instance's id. */
  id: string;
  /** Every existing instance: the copies go after the last entry naming one of them. */
  existing: readonly string[];
}

/** Edits adding, to every list that has entries of the template, the same entries for the new id. */
export function cloneInstanceEntries(text: string, lists: readonly EntryList[], request: CloneRequest): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const list of lists) {
    const templates = list.entries.filter((e) => namesInstance(e.name, request.template));
    if (templates.length === 0) continue;
    const anchor = list.entries.findLast((e) => request.existing.some((id) => namesInstance(e.name, id)))!;
    const copy = (source: string) => substituteInstance(source, request.template, request.id);
    if (list.flow) {
      const separator = flowSeparator(text, list.entries);
      edits.push({ start: anchor.end, end: anchor.end, insert: templates.map((e) => separator + copy(text.slice(e.start, e.end))).join('') });
    } else {
      const at = lineEnd(text, anchor.end);
      const lines = templates.map((e) => {
        const start = lineStart(text, e.start);
        return blockGap(text, list.entries, e) + copy(text.slice(start, lineEnd(text, e.end)));
      });
      const joined = lines.join('');
      edits.push({ start: at, end: at, insert: text[at - 1] === '\n' || at === 0 ? joined : `\n${joined.replace(/\n$/, '')}` });
    }
  }
  return edits;
}

/** Edits removing every entry that names the instance, with its separator (flow) or its lines and the blank lines above them (block). */
export function removeInstanceEntries(text: string, lists: readonly EntryList[], id: string): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const list of lists) {
    const { entries } = list;
    const doomed = entries.map((e) => namesInstance(e.name, id));
    if (!doomed.includes(true)) continue;
    if (!list.flow) {
      // Runs of neighbouring entries go together, with the blank lines above them (below, for the first entry).
      for (let i = 0; i < entries.length; i++) {
        if (!doomed[i]) continue;
        let j = i;
        while (doomed[j + 1]) j++;
        const start = lineStart(text, entries[i]!.start);
        const end = lineEnd(text, entries[j]!.end);
        const next = entries[j + 1];
        edits.push(
          i > 0 || !next
            ? { start: start - blankLinesBefore(text, start).length, end, insert: '' }
            : { start, end: end + blankLinesBefore(text, lineStart(text, next.start)).length, insert: '' },
        );
        i = j;
      }
      continue;
    }
    const firstKept = doomed.indexOf(false);
    if (firstKept === -1) {
      edits.push({ start: entries[0]!.start, end: entries.at(-1)!.end, insert: '' });
      continue;
    }
    for (const [i, e] of entries.entries()) {
      if (!doomed[i]) continue;
      // Before the first kept entry an entry takes the separator after it, later ones the one before.
      edits.push(i < firstKept ? { start: e.start, end: entries[i + 1]!.start, insert: '' } : { start: entries[i - 1]!.end, end: e.end, insert: '' });
    }
  }
  return edits;
}

/** The blank lines that go above a copy of `entry`: those above it, or, for the first entry, those above the second. */
function blockGap(text: string, entries: readonly Entry[], entry: Entry): string {
  const model = entries[0] === entry ? entries[1] : entry;
  return model ? blankLinesBefore(text, lineStart(text, model.start)) : '';
}

/** What separates a flow list's entries (", " or ",\n    "), as the list itself writes it. */
function flowSeparator(text: string, entries: readonly Entry[]): string {
  return entries.length > 1 ? text.slice(entries[0]!.end, entries[1]!.start) : ', ';
}
