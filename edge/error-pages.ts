// The edge's own HTML pages: plan required, instance unavailable or closed for removal, sign-in problems, not found.
// Static markup, every dynamic value escaped, no script (the edge CSP forbids it anyway).
import { escapeHtml } from '#shared/escape-html';

export interface PageLink {
  href: string;
  label: string;
}

export interface PageOptions {
  title: string;
  heading: string;
  paragraphs: string[];
  links?: PageLink[];
  /** A one-button POST form (e.g. confirming a sign-out). */
  form?: { action: string; label: string };
  requestId: string;
}

export function renderPage(o: PageOptions): string {
  const links = (o.links ?? [])
    .map((l) => `<a class="button" href="${escapeHtml(l.href)}">${escapeHtml(l.label)}</a>`)
    .join(' ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)} · wikiplatform</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
main{max-width:36rem;margin:12vh auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002}
.brand{font-weight:700;color:#3b5bdb;letter-spacing:.02em}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
.button{display:inline-block;border:0;font:inherit;cursor:pointer;margin-top:1rem;padding:.5rem 1rem;border-radius:8px;background:#3b5bdb;color:#fff;text-decoration:none}
.rid{margin-top:2rem;color:#778;font-size:.8rem}
</style></head>
<body><main><div class="brand">wikiplatform</div><h1>${escapeHtml(o.heading)}</h1>
${o.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${o.form ? `<form method="post" action="${escapeHtml(o.form.action)}"><button class="button" type="submit">${escapeHtml(o.form.label)}</button></form>` : ''}
${links}
<p class="rid">Request id: ${escapeHtml(o.requestId)}</p></main></body></html>`;
}

export function planRequiredPage(p: {
  instanceTitle: string;
  plans: readonly string[];
  upgradeUrl: string;
  portalUrl: string;
  requestId: string;
}): string {
  const plans = p.plans.length ? p.plans.join(', ') : 'no plan at the moment';
  return renderPage({
    title: 'Plan required',
    heading: `${p.instanceTitle} is not included in your plan`,
    paragraphs: [`${p.instanceTitle} is available with: ${plans}.`, 'Upgrade your plan on the portal to open it.'],
    links: [
      { href: p.upgradeUrl, label: 'Upgrade your plan' },
      { href: p.portalUrl, label: 'Back to your instances' },
    ],
    requestId: p.requestId,
  });
}

export type UnavailableKind = 'maintenance' | 'unreachable' | 'timeout';

export function instanceUnavailablePage(p: { instanceTitle: string; kind: UnavailableKind; portalUrl: string; requestId: string }): string {
  const text: Record<UnavailableKind, [string, string]> = {
    maintenance: [`${p.instanceTitle} is under maintenance`, 'It will be back shortly. Your other instances are not affected.'],
    unreachable: [`${p.instanceTitle} cannot be reached right now`, 'Please try again in a moment. Your other instances are not affected.'],
    timeout: [`${p.instanceTitle} is taking too long to answer`, 'Please try again in a moment. Your other instances are not affected.'],
  };
  const [heading, paragraph] = text[p.kind];
  return renderPage({
    title: heading,
    heading,
    paragraphs: [paragraph],
    links: [{ href: p.portalUrl, label: 'Back to your instances' }],
    requestId: p.requestId,
  });
}

/**
 * What an instance closed by `platform instance remove` tells its visitors: the day after which it may be purged
 * (`removeAfter`, UTC), and that it can still be restored until then. The page and the JSON message say the same.
 */
export function scheduledRemovalNotice(instanceTitle: string, removeAfter: string): { heading: string; paragraphs: string[] } {
  return {
    heading: `${instanceTitle} is closed`,
    paragraphs: [
      `It is scheduled for removal after ${removeAfter} (UTC). Your other instances are not affected.`,
      'Its administrators can ask platform support, through the portal, to restore it before then.',
    ],
  };
}

export function instanceClosedPage(p: { instanceTitle: string; removeAfter: string; portalUrl: string; requestId: string }): string {
  const { heading, paragraphs } = scheduledRemovalNotice(p.instanceTitle, p.removeAfter);
  return renderPage({
    title: heading,
    heading,
    paragraphs,
    links: [{ href: p.portalUrl, label: 'Go to the portal' }],
    requestId: p.requestId,
  });
}
