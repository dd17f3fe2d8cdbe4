import { describe, expect, it } from 'vitest';
import { branchFor, buildTree } from './tree.ts';

describe('page tree', () => {
  it('nests pages under their parents in path order, leaving the home page out', () => {
    const tree = buildTree([
      { path: '/handbook/tools', title: 'Tools' },
      { path: '/', title: 'Home' },
      { path: '/handbook', title: 'Handbook' },
      { path: '/about', title: 'About' },
    ]);
    expect(tree).toEqual([
      { path: '/about', title: 'About', children: [] },
      { path: '/handbook', title: 'Handbook', children: [{ path: '/handbook/tools', title: 'Tools', children: [] }] },
    ]);
  });

  it('hangs an orphan under its nearest existing ancestor', () => {
    const tree = buildTree([{ path: '/a', title: 'A' }, { path: '/a/b/c', title: 'C' }, { path: '/x/y', title: 'Y' }]);
    expect(tree[0]?.children.map((n) => n.path)).toEqual(['/a/b/c']);
    expect(tree[1]?.path).toBe('/x/y');
  });

  it('shows the top level and only the branch leading to the open page', () => {
    const tree = buildTree([
      { path: '/a', title: 'A' }, { path: '/a/x', title: 'AX' }, { path: '/a/x/deep', title: 'Deep' },
      { path: '/b', title: 'B' }, { path: '/b/y', title: 'BY' },
    ]);
    expect(branchFor(tree, '/a/x')).toEqual([
      { path: '/a', title: 'A', children: [{ path: '/a/x', title: 'AX', children: [{ path: '/a/x/deep', title: 'Deep', children: [] }] }] },
      { path: '/b', title: 'B', children: [] },
    ]);
  });
});
