/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The frame of every instance page: header with search and who is signed in, optional sidebar, content.
import type { Child } from 'hono/jsx';
import type { UiContext } from './ui-context.ts';

export function Layout(props: { ui: UiContext; title: string; sidebar?: Child; children: Child; query?: string }) {
  const { ui } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${ui.instanceTitle}`}</title>
        <link rel="stylesheet" href={ui.asset('app.css')} />
        <link rel="stylesheet" href={ui.asset('hljs.css')} />
        <script src={ui.asset('app.js')} defer></script>
      </head>
      <body>
        <header class="topbar">
          <a class="brand" href="/">{ui.instanceTitle}</a>
          <form class="search" action="/_search" method="get" role="search">
            <input type="search" name="q" value={props.query ?? ''} placeholder="Search pages" aria-label="Search pages" />
          </form>
          <nav class="actions" aria-label="Wiki">
            <a href="/_pages">All pages</a>
            <a href="/_changes" data-testid="recent-changes">Recent changes</a>
            {ui.files && <a href="/_files">Files</a>}
            {ui.canWrite && <a href="/_new" data-testid="new-page">New page</a>}
            <a href="/_people">People</a>
            {ui.canWrite && <a href="/_trash">Trash</a>}
            {ui.canAdmin && <a href="/_settings">Settings</a>}
          </nav>
          <div class="who">
            <span data-testid="signed-in-as">Signed in as <strong>{ui.userName}</strong></span>
            <span class={`role role-${ui.role}`}>{ui.role}</span>
            <a href={ui.portalUrl} data-testid="portal-link">Portal</a>
          </div>
        </header>
        <div class={props.sidebar ? 'frame with-sidebar' : 'frame'}>
          {props.sidebar && <aside class="sidebar">{props.sidebar}</aside>}
          <main id="main">{props.children}</main>
        </div>
      </body>
    </html>
  );
}

/** A standalone page for errors shown to browsers (404, 403, 409...). */
export function ErrorPage(props: { ui: UiContext | null; status: number; message: string; requestId: string }) {
  const body = (
    <section class="error-page">
      <h1>{props.status === 404 ? 'Not found' : props.status === 403 ? 'Not allowed' : 'Something is wrong'}</h1>
      <p>{props.message}</p>
      <p class="muted">Request id: <code>{props.requestId}</code></p>
      <p><a href="/">Back to the home page</a></p>
    </section>
  );
  if (!props.ui) {
    return (
      <html lang="en">
        <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" /><title>Error</title></head>
        <body>{body}</body>
      </html>
    );
  }
  return <Layout ui={props.ui} title="Error">{body}</Layout>;
}
