/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The sidebar tree of pages.
import type { TreeNode } from '../policy/tree.ts';
import { pageUrl } from './links.tsx';

export function PageTree(props: { nodes: TreeNode[]; current?: string }) {
  return (
    <nav aria-label="Pages">
      <ul class="tree">
        <li>
          <a href="/" class={props.current === '/' ? 'current' : undefined}>Home</a>
        </li>
        {props.nodes.map((n) => (
          <Branch node={n} current={props.current} />
        ))}
      </ul>
    </nav>
  );
}

function Branch(props: { node: TreeNode; current?: string }) {
  const { node, current } = props;
  return (
    <li>
      {node.folder ? (
        <a href={pageUrl(node.path)} class="folder" title={`${node.path} has no page of its own yet`}>{node.title}</a>
      ) : (
        <a href={pageUrl(node.path)} class={current === node.path ? 'current' : undefined}>{node.title}</a>
      )}
      {node.children.length > 0 && (
        <ul>
          {node.children.map((child) => (
            <Branch node={child} current={current} />
          ))}
        </ul>
      )}
    </li>
  );
}
