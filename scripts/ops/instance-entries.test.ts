import { describe, expect, it } from 'vitest';
import { envEntryList } from './env-lines.ts';
import { cloneInstanceEntries, removeInstanceEntries } from './instance-entries.ts';
import { applyEdits } from './text-edits.ts';
import { yamlEntryLists } from './yaml-entry-lists.ts';

const ids = ['alpha', 'beta'];

function cloneYaml(text: string, id = 'gamma'): string {
  const lists = yamlEntryLists(text, [...ids, id]);
  if (!lists.ok) throw new Error(lists.problem);
  return applyEdits(text, cloneInstanceEntries(text, lists.lists, { template: 'alpha', id, existing: ids }));
}

function removeYaml(text: string, id: string, known = [...ids, 'gamma']): string {
  const lists = yamlEntryLists(text, known);
  if (!lists.ok) throw new Error(lists.problem);
  return applyEdits(text, removeInstanceEntries(text, lists.lists, id));
}

describe('cloning an instance\'s entries', () => {
  const compose = [
    '# services, one per instance',
    'services:',
    '  db-alpha:',
    '    <<: *db',
    '    volumes: [db-alpha:/data]  # its own volume',
    '',
    '  alpha:',
    '    depends_on: { db-alpha: { condition: service_healthy } }',
    '',
    '  db-beta:',
    '    <<: *db',
    '    volumes: [db-beta:/data]  # its own volume',
    '',
    '  beta:',
    '    depends_on: { db-beta: { condition: service_healthy } }',
    '',
    '  # the tunnel',
    '  tunnel:',
    '    depends_on: [portal, alpha, beta, keycloak]',
    '    environment:',
    '      DATABASE_URL_ALPHA: postgres://alpha@db-alpha/alpha',
    '      DATABASE_URL_BETA: postgres://beta@db-beta/beta',
    '      OTHER: x',
    'volumes:',
    '  db-alpha:',
    '  db-beta:',
    '',
  ].join('\n');

  it('copies the template\'s block entries after the last instance\'s, blank lines and comments as they are', () => {
    const out = cloneYaml(compose);
    expect(out).toContain('  beta:\n    depends_on: { db-beta: { condition: service_healthy } }\n\n  db-gamma:\n    <<: *db\n    volumes: [db-gamma:/data]  # its own volume\n\n  gamma:\n    depends_on: { db-gamma: { condition: service_healthy } }\n\n  # the tunnel');
    expect(out).toContain('    depends_on: [portal, alpha, beta, gamma, keycloak]');
    expect(out).toContain('      DATABASE_URL_BETA: postgres://beta@db-beta/beta\n      DATABASE_URL_GAMMA: postgres://gamma@db-gamma/gamma\n      OTHER: x');
    expect(out).toContain('  db-beta:\n  db-gamma:\n');
    // The template's own insides are not cloned into it.
    expect(out).toContain('    volumes: [db-alpha:/data]  # its own volume\n');
  });

  it('removes exactly what it added, so add then remove gives the file back byte for byte', () => {
    expect(removeYaml(cloneYaml(compose), 'gamma')).toBe(compose);
  });

  it('removes an instance listed first, in the middle or alone, separators included', () => {
    expect(removeYaml('a: [alpha, beta, x]\nb: [x, alpha, beta]\nc: [alpha]\nd: [alpha, beta]\n', 'alpha')).toBe('a: [beta, x]\nb: [x, beta]\nc: []\nd: [beta]\n');
    expect(removeYaml('a: [alpha, beta]\n', 'beta')).toBe('a: [alpha]\n');
  });

  it('follows a JSON array written one item a line', () => {
    const json = '{\n  "origins": [\n    "https://alpha.example.com",\n    "https://beta.example.com"\n  ],\n  "methods": ["PUT"]\n}\n';
    const out = cloneYaml(json);
    expect(out).toBe('{\n  "origins": [\n    "https://alpha.example.com",\n    "https://beta.example.com",\n    "https://gamma.example.com"\n  ],\n  "methods": ["PUT"]\n}\n');
    expect(JSON.parse(out)).toBeTruthy();
    expect(removeYaml(out, 'gamma')).toBe(json);
    expect(JSON.parse(removeYaml(out, 'alpha')).origins).toEqual(['https://beta.example.com', 'https://gamma.example.com']);
  });

  it('clones and removes env-file lines', () => {
    const env = 'A=1\nALPHA_DB_PASSWORD=\nBETA_DB_PASSWORD=\nZ=2\n';
    const added = applyEdits(env, cloneInstanceEntries(env, [envEntryList(env)], { template: 'alpha', id: 'gamma', existing: ids }));
    expect(added).toBe('A=1\nALPHA_DB_PASSWORD=\nBETA_DB_PASSWORD=\nGAMMA_DB_PASSWORD=\nZ=2\n');
    expect(applyEdits(added, removeInstanceEntries(added, [envEntryList(added)], 'gamma'))).toBe(env);
  });

  it('leaves a file that lists no instance as it is', () => {
    const text = 'global:\n  scrape_interval: 15s\n';
    expect(cloneYaml(text)).toBe(text);
    expect(removeYaml(text, 'alpha')).toBe(text);
  });
});

describe('removing the first entries of a block list', () => {
  it('takes the blank lines below them, so the list starts as before', () => {
    const text = 'services:\n  alpha:\n    x: 1\n\n  db-alpha:\n    y: 2\n\n  other:\n    z: 3\n';
    expect(removeYaml(text, 'alpha')).toBe('services:\n  other:\n    z: 3\n');
  });
});
