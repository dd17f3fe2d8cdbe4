/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The portal's page frame: who is signed in, their plan, the way to the plans and to sign out.
import type { Child } from 'hono/jsx';

/** `name` null: nobody is signed in (the public pricing and sign-up pages). */
export function PortalPage(props: { title: string; name: string | null; plan: string | null; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>wikiplatform · {props.title}</title>
        <link rel="stylesheet" href="/_static/portal.css" />
      </head>
      <body>
        <header class="topbar">
          <a class="brand" href="/">wikiplatform</a>
          {props.name === null ? (
            <>
              <a href="/pricing">Plans and pricing</a>
              <a href="/" data-testid="sign-in">Sign in</a>
            </>
          ) : (
            <>
              <span data-testid="signed-in-as">Signed in as <strong>{props.name}</strong></span>
              <span data-testid="plan">Plan: <strong>{props.plan ?? 'none'}</strong></span>
              <a href="/plans">Plans</a>
              <a href="/_auth/logout" data-testid="sign-out">Sign out</a>
            </>
          )}
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}
