// The pages Stripe hosts, in test mode: Checkout (`/c/pay/<session>`: plan, price, email, a name, "Pay")
// and the customer portal (`/p/session/<token>`: the customer's subscriptions, "Cancel"). Self-contained
// HTML, every dynamic value escaped; the forms post form-encoded fields, so scripts can "pay" with fetch.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { escapeHtml } from '#shared/escape-html';
import { standInPage } from '../stand-in-page.ts';
import { formatAmount } from './catalog.ts';
import { completeCheckout, EMAIL_PATTERN, findSession } from './checkout-sessions.ts';
import type { StandInContext } from './stand-in-context.ts';
import type { SessionRecord, SubscriptionObject } from './stripe-state.ts';
import { cancelSubscription } from './subscriptions.ts';

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

export function hostedPageRoutes(ctx: StandInContext): Hono {
  const app = new Hono();
  const smallForm = bodyLimit({ maxSize: 16 * 1024, onError: (c) => page(c, 413, 'Too large', '<p>That form was too large.</p>') });

  app.get('/c/pay/:session', (c) => {
    const record = findSession(ctx, c.req.param('session'));
    if (!record) return notFound(c);
    return checkoutPage(c, ctx, record);
  });

  app.post('/c/pay/:session', smallForm, async (c) => {
    const record = findSession(ctx, c.req.param('session'));
    if (!record) return notFound(c);
    if (record.session.status !== 'open') return checkoutPage(c, ctx, record);
    const form = await formFields(c);
    const name = (form.get('name') ?? '').trim();
    // An email given at creation is locked on the page, as on Stripe; otherwise the typed one counts.
    const email = record.session.customer_email ?? (form.get('email') ?? '').trim();
    if (name.length === 0 || name.length > 200) return checkoutPage(c, ctx, record, { status: 400, error: 'Enter the name on the card (up to 200 characters).', name, email });
    if (!EMAIL_PATTERN.test(email)) return checkoutPage(c, ctx, record, { status: 400, error: 'Enter a valid email address.', name, email });
    completeCheckout(ctx, record, { email, name });
    return c.redirect(successUrl(record), 303);
  });

  app.get('/p/session/:token', (c) => {
    const portal = ctx.state.portalSessions.get(c.req.param('token'));
    if (!portal) return notFound(c);
    return portalPage(c, ctx, portal.session.customer, portal.session.return_url, c.req.param('token'));
  });

  app.post('/p/session/:token/cancel', smallForm, async (c) => {
    const token = c.req.param('token');
    const portal = ctx.state.portalSessions.get(token);
    if (!portal) return notFound(c);
    const subscription = ctx.state.subscriptions.get((await formFields(c)).get('subscription') ?? '');
    // Only the portal's own customer's subscriptions, and only live ones, can be canceled from it.
    if (!subscription || subscription.customer !== portal.session.customer) return notFound(c);
    if (subscription.status !== 'canceled' && subscription.status !== 'incomplete_expired') cancelSubscription(ctx, subscription);
    return c.redirect(`/p/session/${token}`, 303);
  });
  return app;
}

interface CheckoutPageState {
  status: 400;
  error: string;
  name: string;
  email: string;
}

function checkoutPage(c: Context, ctx: StandInContext, record: SessionRecord, state?: CheckoutPageState): Response {
  const { session } = record;
  if (session.status === 'expired') {
    const back = session.cancel_url ? `<p><a href="${escapeHtml(session.cancel_url)}">Return</a></p>` : '';
    return page(c, 410, 'Session expired', `<h1>This Checkout Session has expired</h1>${back}`);
  }
  if (session.status === 'complete') {
    return page(c, 200, 'Payment complete', `<h1>Payment complete</h1><p><a id="continue" href="${escapeHtml(successUrl(record))}">Continue</a></p>`);
  }
  const lines = record.lineItems
    .map((item) => {
      const price = ctx.catalog.price(item.price)!;
      return `<li><span class="product" data-price="${escapeHtml(price.id)}">${escapeHtml(ctx.catalog.productName(price))}</span> <span class="amount">${escapeHtml(formatAmount(price, item.quantity))}</span></li>`;
    })
    .join('');
  const customerEmail = session.customer ? (ctx.state.customers.get(session.customer)?.email ?? '') : '';
  const email = state?.email ?? session.customer_email ?? customerEmail;
  const locked = session.customer_email !== null;
  const error = state ? `<p class="error" role="alert" id="checkout-error">${escapeHtml(state.error)}</p>` : '';
  const back = session.cancel_url ? `<p class="back"><a id="cancel" href="${escapeHtml(session.cancel_url)}">&larr; Back</a></p>` : '';
  const body = `
<p class="test-mode">TEST MODE &middot; local Stripe stand-in &middot; no real payment</p>
<h1>Subscribe</h1>
<ul class="lines">${lines}</ul>
${error}
<form method="post" action="/c/pay/${escapeHtml(session.id)}" id="checkout-form">
  <label for="email">Email</label>
  <input id="email" name="email" type="email" value="${escapeHtml(email)}" ${locked ? 'readonly' : 'required'} maxlength="320">
  <label for="name">Name on card</label>
  <input id="name" name="name" type="text" value="${escapeHtml(state?.name ?? '')}" required maxlength="200" autocomplete="cc-name">
  <button type="submit" id="pay">Pay</button>
</form>
${back}`;
  return page(c, state?.status ?? 200, 'Checkout', body);
}

function portalPage(c: Context, ctx: StandInContext, customerId: string, returnUrl: string | null, token: string): Response {
  const customer = ctx.state.customers.get(customerId);
  const subscriptions = [...ctx.state.subscriptions.values()].filter((s) => s.customer === customerId).reverse();
  const rows = subscriptions.map((s) => subscriptionRow(ctx, s, token)).join('');
  const back = returnUrl ? `<p class="back"><a id="return" href="${escapeHtml(returnUrl)}">&larr; Return</a></p>` : '';
  const body = `
<p class="test-mode">TEST MODE &middot; local Stripe stand-in</p>
<h1>Billing</h1>
<p>${escapeHtml(customer?.name ?? '')} &middot; ${escapeHtml(customer?.email ?? '')}</p>
<ul class="subscriptions">${rows || '<li>No subscriptions.</li>'}</ul>
${back}`;
  return page(c, 200, 'Billing', body);
}

function subscriptionRow(ctx: StandInContext, subscription: SubscriptionObject, token: string): string {
  const names = subscription.items.data.map((i) => `${ctx.catalog.productName(i.price)} (${formatAmount(i.price, i.quantity)})`).join(', ');
  const live = subscription.status !== 'canceled' && subscription.status !== 'incomplete_expired';
  const cancel = live
    ? `<form method="post" action="/p/session/${escapeHtml(token)}/cancel"><input type="hidden" name="subscription" value="${escapeHtml(subscription.id)}"><button type="submit">Cancel subscription</button></form>`
    : '';
  return `<li data-subscription="${escapeHtml(subscription.id)}" data-status="${escapeHtml(subscription.status)}">${escapeHtml(names)} &middot; ${escapeHtml(subscription.status)}${cancel}</li>`;
}

function successUrl(record: SessionRecord): string {
  return record.session.success_url.replaceAll('{CHECKOUT_SESSION_ID}', record.session.id);
}

async function formFields(c: Context): Promise<URLSearchParams> {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams();
  return new URLSearchParams(await c.req.text());
}

function notFound(c: Context): Response {
  return page(c, 404, 'Not found', '<h1>Something went wrong</h1><p>The page you were looking for could not be found.</p>');
}

const STYLE = `body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#f6f9fc;color:#1a1f36}
main{max-width:420px;margin:40px auto;padding:32px;background:#fff;border-radius:8px;box-shadow:0 2px 8px rgba(0,0,0,.08)}
.test-mode{margin:0 0 16px;padding:4px 8px;background:#fff3cd;color:#7a5c00;border-radius:4px;font-size:.8rem;font-weight:600}
label{display:block;margin:12px 0 4px;font-weight:600;font-size:.9rem}
input{width:100%;box-sizing:border-box;padding:8px;border:1px solid #cfd7df;border-radius:4px;font:inherit}
input[readonly]{background:#f6f9fc}
button{margin-top:16px;padding:10px 16px;border:0;border-radius:4px;background:#635bff;color:#fff;font:inherit;font-weight:600;cursor:pointer}
.error{padding:8px;background:#fdecea;color:#9b1c1c;border-radius:4px}
.lines,.subscriptions{padding:0;list-style:none}.lines li,.subscriptions li{margin:8px 0}`;

function page(c: Context, status: number, title: string, body: string): Response {
  c.header('content-security-policy', PAGE_CSP);
  c.header('x-frame-options', 'DENY');
  c.header('cache-control', 'no-store');
  return c.html(standInPage(`${title} · Stripe test mode`, STYLE, body), status as 200);
}
