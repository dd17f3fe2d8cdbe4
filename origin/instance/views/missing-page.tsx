/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// What a path without a page shows: an invitation to create it (for editors), or a plain not-found.
import { Layout } from './layout.tsx';
import type { UiContext } from './ui-context.ts';

export function MissingPageScreen(props: { ui: UiContext; path: string; reason?: string }) {
  const { ui, path } = props;
  const isHome = path === '/';
  return (
    <Layout ui={ui} title={isHome ? 'Welcome' : 'No such page'}>
      <section class="empty-state" data-testid="missing-page">
        <h1>{isHome ? `Welcome to ${ui.instanceTitle}` : 'This page does not exist yet'}</h1>
        {props.reason ? <p>{props.reason}</p> : <p class="muted"><code>{path}</code></p>}
        {ui.canWrite && !props.reason && (
          <p>
            <a class="button" href={`/_new?path=${encodeURIComponent(path)}`}>{isHome ? 'Write the home page' : 'Create this page'}</a>
          </p>
        )}
      </section>
    </Layout>
  );
}
