/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The portal dashboard: who you are, your plan, the instances you can open, and the way to the others.
import type { CatalogEntry } from '../catalog.ts';
import { PortalPage } from './portal-page.tsx';

export function Dashboard(props: { name: string; plan: string | null; entries: CatalogEntry[] }) {
  const open = props.entries.filter((e) => e.allowed);
  const locked = props.entries.filter((e) => !e.allowed);
  return (
    <PortalPage title="your wikis" name={props.name} plan={props.plan}>
      <h1>Your wikis</h1>
      {open.length === 0 ? (
        <p data-testid="no-instances">Your account does not include any wiki yet. Choose a plan to get started.</p>
      ) : (
        <ul class="instances" data-testid="instances">
          {open.map((e) => (
            <li data-instance={e.id}>
              {e.maintenance ? (
                <span>
                  {e.title}{' '}
                  <em>
                    {e.removeAfter
                      ? `(closed: to be removed after ${e.removeAfter} UTC; its administrators can ask support to restore it before then)`
                      : '(under maintenance)'}
                  </em>
                </span>
              ) : (
                <a href={e.url}>{e.title}</a>
              )}
            </li>
          ))}
        </ul>
      )}
      {locked.length > 0 && (
        <section>
          <h2>More wikis</h2>
          <ul class="locked" data-testid="locked-instances">
            {locked.map((e) => (
              <li data-instance={e.id}>
                {e.title}: included in {e.plans.join(', ') || 'no plan'} · <a href={`/plans?instance=${encodeURIComponent(e.id)}`}>compare plans</a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </PortalPage>
  );
}
