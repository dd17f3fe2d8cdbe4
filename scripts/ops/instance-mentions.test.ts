import { describe, expect, it } from 'vitest';
import { linesMentioning, namesInstance, substituteInstance, variableToken } from './instance-mentions.ts';

describe('how config files name an instance', () => {
  it('recognises the service, its database, its variables, a scrape target and a URL', () => {
    for (const name of ['instance1', 'db-instance1', 'INSTANCE1_DB_PASSWORD', 'DATABASE_URL_INSTANCE1', 'instance1:3000', 'https://instance1.wikiplatform.app']) {
      expect(namesInstance(name, 'instance1'), name).toBe(true);
    }
  });

  it('never takes one instance for another whose id contains it', () => {
    for (const name of ['instance10', 'db-instance10', 'wiki-eu', 'db-wiki-eu', 'DATABASE_URL_WIKI_EU', 'WIKI_EU_DB_PASSWORD', 'my-wiki']) {
      expect(namesInstance(name, name.includes('instance') ? 'instance1' : 'wiki'), name).toBe(false);
    }
    expect(namesInstance('DATABASE_URL_WIKI_EU', 'wiki-eu')).toBe(true);
    expect(namesInstance('INSTANCE_ID', 'instance1')).toBe(false);
  });

  it('rewrites a line for another instance in every shape, ids with "-" as "_" in variable names', () => {
    expect(variableToken('my-wiki')).toBe('MY_WIKI');
    expect(substituteInstance('DATABASE_URL_INSTANCE1: postgres://instance1:${INSTANCE1_DB_PASSWORD:?set INSTANCE1_DB_PASSWORD}@db-instance1:5432/instance1', 'instance1', 'my-wiki')).toBe(
      'DATABASE_URL_MY_WIKI: postgres://my-wiki:${MY_WIKI_DB_PASSWORD:?set MY_WIKI_DB_PASSWORD}@db-my-wiki:5432/my-wiki',
    );
    expect(substituteInstance('INSTANCE_ID: instance1 # not instance10', 'instance1', 'instance4')).toBe('INSTANCE_ID: instance4 # not instance10');
  });

  it('finds every line that still mentions an instance, comments included', () => {
    expect(linesMentioning('a: 1\n# instance4.origin → http://instance4:3000\nINSTANCE4_X=1\ninstance40: 2\n', 'instance4')).toEqual([2, 3]);
  });
});
