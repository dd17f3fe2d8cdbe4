// The HTML shell of the local stand-ins' pages (the IdP's sign-in, the Mailgun inbox, Stripe's hosted
// pages): one document, its title escaped, its style inline (their CSPs allow inline styles only).
import { escapeHtml } from '#shared/escape-html';

export function standInPage(title: string, style: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}
