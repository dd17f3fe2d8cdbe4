import { describe, expect, it } from 'vitest';
import { branchFor, buildTree, countPages } from './tree.ts';

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

  it('files a page whose parent does not exist in folders named after the missing segments', () => {
    const tree = buildTree([{ path: '/a', title: 'A' }, { path: '/a/b/c', title: 'C' }, { path: '/x/y', title: 'Y' }, { path: '/x/z', title: 'Z' }]);
    expect(tree).toEqual([
      { path: '/a', title: 'A', children: [{ path: '/a/b', title: 'b', folder: true, children: [{ path: '/a/b/c', title: 'C', children: [] }] }] },
      { path: '/x', title: 'x', folder: true, children: [{ path: '/x/y', title: 'Y', children: [] }, { path: '/x/z', title: 'Z', children: [] }] },
    ]);
    expect(countPages(tree)).toBe(4);
  });

  it('names a folder by its decoded segment, and keeps a malformed one as written', () => {
    const tree = buildTree([{ path: '/caf%C3%A9/menu', title: 'Menu' }, { path: '/%E0%A4%A/x', title: 'X' }]);
    expect(tree.map((n) => n.title).sort()).toEqual(['%E0%A4%A', 'café']);
  });

  it('keeps a folder marked in the branch shown for a page inside it', () => {
    const tree = buildTree([{ path: '/x/y', title: 'Y' }, { path: '/q', title: 'Q' }]);
    expect(branchFor(tree, '/x/y')[1]).toEqual({ path: '/x', title: 'x', folder: true, children: [{ path: '/x/y', title: 'Y', children: [] }] });
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
