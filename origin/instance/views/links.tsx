/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// URLs of wiki pages and their actions, and the breadcrumb trail; the one place that knows the URL scheme.

/** `/handbook/onboarding` → itself; with an action: `/_edit/handbook/onboarding` (home: `/_edit/`). */
export type PageAction = '_edit' | '_history' | '_diff' | '_revision' | '_restore' | '_delete';

export function pageUrl(path: string, action?: PageAction): string {
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  return action ? `/${action}${encoded}` : encoded;
}

export function Breadcrumbs(props: { path: string }) {
  const segments = props.path.split('/').filter(Boolean);
  if (segments.length === 0) return null;
  return (
    <nav class="breadcrumbs" aria-label="Breadcrumbs">
      <a href="/">Home</a>
      {segments.slice(0, -1).map((segment, i) => (
        <>
          <span aria-hidden="true"> / </span>
          <a href={pageUrl(`/${segments.slice(0, i + 1).join('/')}`)}>{segment}</a>
        </>
      ))}
    </nav>
  );
}
