// The lists of a YAML (or JSON) file as instance-entries.ts edits them: every map and sequence with each
// entry's name and source offsets, from the yaml package's Document (whose nodes keep their source ranges).
// An entry that names an instance is taken whole: its insides (a service's own volumes) are not listed.
import { isCollection, isPair, isScalar, parseDocument, type Node } from 'yaml';
import { namesInstance } from './instance-mentions.ts';
import type { Entry, EntryList } from './instance-entries.ts';

export type ListsResult = { ok: true; lists: EntryList[] } | { ok: false; problem: string };

export function yamlEntryLists(text: string, instances: readonly string[]): ListsResult {
  const doc = parseDocument(text);
  if (doc.errors.length) return { ok: false, problem: doc.errors[0]!.message.split('\n')[0]! };
  const lists: EntryList[] = [];
  const namesAny = (name: string) => instances.some((id) => namesInstance(name, id));

  const walk = (node: unknown): void => {
    if (!isCollection(node)) return;
    const entries: Entry[] = [];
    for (const item of node.items) {
      if (isPair(item)) {
        const key = item.key as Node | null;
        const value = item.value as Node | null;
        const name = isScalar(key) ? String(key.value) : '';
        const start = key?.range?.[0] ?? value?.range?.[0];
        const end = value?.range?.[1] ?? key?.range?.[1];
        if (start !== undefined && end !== undefined) entries.push({ name, start, end });
        if (!namesAny(name)) walk(value);
      } else if (isScalar(item) && item.range) {
        entries.push({ name: String(item.value), start: item.range[0], end: item.range[1] });
      } else if (isCollection(item) && item.range) {
        entries.push({ name: '', start: item.range[0], end: item.range[1] });
        walk(item);
      }
    }
    lists.push({ flow: Boolean(node.flow), entries });
  };
  walk(doc.contents);
  return { ok: true, lists };
}
