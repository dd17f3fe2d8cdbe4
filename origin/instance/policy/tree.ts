// The page tree for navigation, built from the flat path-ordered list (pure). A page whose parent does
// not exist hangs under its nearest existing ancestor, so nothing is unreachable.
import { parentPath } from './page-path.ts';

export interface TreeNode {
  path: string;
  title: string;
  children: TreeNode[];
}

export function buildTree(pages: readonly { path: string; title: string }[]): TreeNode[] {
  const byPath = new Map<string, TreeNode>();
  const roots: TreeNode[] = [];
  const sorted = [...pages].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const page of sorted) {
    if (page.path === '/') continue; // the home page is the tree itself
    const node: TreeNode = { path: page.path, title: page.title, children: [] };
    byPath.set(page.path, node);
    let parent = parentPath(page.path);
    while (parent && parent !== '/' && !byPath.has(parent)) parent = parentPath(parent);
    const owner = parent && parent !== '/' ? byPath.get(parent) : undefined;
    (owner ? owner.children : roots).push(node);
  }
  return roots;
}

/**
 * What the sidebar shows for one page: the top level, and the branch leading to the page opened down to
 * its children. A wiki with thousands of pages keeps a small sidebar (and a small page to send).
 */
export function branchFor(tree: readonly TreeNode[], current: string): TreeNode[] {
  return tree.map((node) => {
    const onPath = current === node.path || current.startsWith(`${node.path}/`);
    return { path: node.path, title: node.title, children: onPath ? branchFor(node.children, current) : [] };
  });
}

/** Number of pages in a tree. */
export function countPages(tree: readonly TreeNode[]): number {
  return tree.reduce((n, node) => n + 1 + countPages(node.children), 0);
}
