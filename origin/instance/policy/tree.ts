// The page tree for navigation, built from the flat path-ordered list (pure). A page whose parent does
// not exist sits in a folder named after the missing segment (as paths read: /guides/setup is in
// "guides"), so the top level stays the wiki's sections, not every page ever filed under one.
import { parentPath } from './page-path.ts';

export interface TreeNode {
  path: string;
  title: string;
  children: TreeNode[];
  /** A path with pages under it but no page of its own; opening it offers to create that page. */
  folder?: true;
}

export function buildTree(pages: readonly { path: string; title: string }[]): TreeNode[] {
  const byPath = new Map<string, TreeNode>();
  const roots: TreeNode[] = [];
  const sorted = [...pages].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // Sorted, a parent page always comes before its children, so a folder is made only where no page exists.
  const place = (node: TreeNode) => {
    byPath.set(node.path, node);
    const parent = parentPath(node.path);
    if (!parent || parent === '/') roots.push(node);
    else (byPath.get(parent) ?? place(folderFor(parent))).children.push(node);
    return node;
  };
  for (const page of sorted) {
    if (page.path === '/') continue; // the home page is the tree itself
    place({ path: page.path, title: page.title, children: [] });
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
    return { ...node, children: onPath ? branchFor(node.children, current) : [] };
  });
}

function folderFor(path: string): TreeNode {
  const segment = path.slice(path.lastIndexOf('/') + 1);
  let title = segment;
  try {
    title = decodeURIComponent(segment);
  } catch {
    // A malformed escape stays as written.
  }
  return { path, title, children: [], folder: true };
}

/** Number of pages in a tree (folders are not pages). */
export function countPages(tree: readonly TreeNode[]): number {
  return tree.reduce((n, node) => n + (node.folder ? 0 : 1) + countPages(node.children), 0);
}
