/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// Errors shown to browsers (a refused form, a failed payment call): what happened, the request id, a way back.
import { PortalPage } from './portal-page.tsx';

export function PortalErrorPage(props: { who: { name: string; plan: string | null } | null; status: number; message: string; requestId: string }) {
  const title = props.status === 404 ? 'Not found' : props.status >= 500 ? 'Something went wrong' : 'That did not work';
  const body = (
    <section class="error-page" data-testid="error-page">
      <h1>{title}</h1>
      <p data-testid="error-message">{props.message}</p>
      <p class="muted">
        Request id: <code>{props.requestId}</code>
      </p>
      <p>
        <a href="/plans">Back to the plans</a> · <a href="/">Your wikis</a>
      </p>
    </section>
  );
  if (!props.who) {
    return (
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>wikiplatform · {title}</title>
          <link rel="stylesheet" href="/_static/portal.css" />
        </head>
        <body>
          <main>{body}</main>
        </body>
      </html>
    );
  }
  return (
    <PortalPage title={title} name={props.who.name} plan={props.who.plan}>
      {body}
    </PortalPage>
  );
}
