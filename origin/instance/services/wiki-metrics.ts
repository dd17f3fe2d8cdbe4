// Wiki metrics next to the HTTP ones: how many pages and revisions there are (read at scrape time)
// and how saves turn out (conflicts included: a rising share means people step on each other).
import { Counter, Gauge, type Registry } from 'prom-client';
import type { InstanceDb } from '../deps.ts';
import { countPages } from '../store/pages.ts';
import type { SaveOutcome } from './wiki.ts';

export function createWikiMetrics(registry: Registry, db: InstanceDb) {
  const saves = new Counter({ name: 'wiki_page_saves_total', help: 'Page saves by outcome', labelNames: ['outcome'], registers: [registry] });
  new Gauge({
    name: 'wiki_pages',
    help: 'Pages in this instance, live or in the trash',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await countPages(db);
      this.set({ state: 'live' }, counts.live);
      this.set({ state: 'trashed' }, counts.trashed);
    },
  });
  new Gauge({
    name: 'wiki_revisions',
    help: 'Revisions stored in this instance',
    registers: [registry],
    async collect() {
      this.set((await countPages(db)).revisions);
    },
  });
  return { onSave: (outcome: SaveOutcome) => saves.inc({ outcome }) };
}
