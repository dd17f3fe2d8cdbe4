// Customer portal configurations over the API: create, retrieve and list. The hosted portal page offers
// cards, invoices and cancelling now; a configuration that would offer more (plan switching, cancelling at
// period end) is refused by name rather than accepted and ignored.
import { z } from 'zod';
import type { Params } from './form-params.ts';
import type { StandInContext } from './stand-in-context.ts';
import { StripeApiError } from './stripe-errors.ts';
import { nowSeconds, snapshot, stripeId, type PortalConfigurationObject } from './stripe-state.ts';
import { booleanParam, expandParam, integerParam, metadataParam, text, urlParam, validateParams } from './validate-params.ts';

/** The account's default configuration, which Stripe makes when the portal is first set up in the dashboard. */
export const PORTAL_CONFIGURATION_ID = 'bpc_local_default';

const PRORATION = z.enum(['always_invoice', 'create_prorations', 'none']);

const CreateSchema = z.strictObject({
  features: z.strictObject({
    customer_update: z.strictObject({ enabled: booleanParam(), allowed_updates: z.array(z.enum(['address', 'email', 'name', 'phone', 'shipping', 'tax_id'])).optional() }).optional(),
    invoice_history: z.strictObject({ enabled: booleanParam() }).optional(),
    payment_method_update: z.strictObject({ enabled: booleanParam() }).optional(),
    subscription_cancel: z.strictObject({ enabled: booleanParam(), mode: z.enum(['at_period_end', 'immediately']).optional(), proration_behavior: PRORATION.optional() }).optional(),
    subscription_update: z.strictObject({ enabled: booleanParam() }).optional(),
  }),
  default_return_url: urlParam().optional(),
  metadata: metadataParam().optional(),
  name: text(256).optional(),
  expand: expandParam([]).optional(),
});
const CREATE_NOT_IMPLEMENTED = ['business_profile', 'login_page'];

const ListSchema = z.strictObject({
  active: booleanParam().optional(),
  is_default: booleanParam().optional(),
  limit: integerParam(1, 100).optional(),
  expand: expandParam([]).optional(),
});

export function createPortalConfiguration(ctx: StandInContext, params: Params): Record<string, unknown> {
  const p = validateParams(CreateSchema, params, { notImplemented: CREATE_NOT_IMPLEMENTED });
  const f = p.features;
  // Plan switching needs products and allowed updates the stand-in's portal page does not have.
  if (f.subscription_update?.enabled) throw StripeApiError.notImplemented('features[subscription_update][enabled]=true');
  if (f.subscription_cancel?.mode === 'at_period_end') throw StripeApiError.notImplemented('features[subscription_cancel][mode]=at_period_end');
  const now = nowSeconds();
  const configuration: PortalConfigurationObject = {
    id: stripeId('bpc_1'),
    object: 'billing_portal.configuration',
    active: true,
    application: null,
    business_profile: { headline: null, privacy_policy_url: null, terms_of_service_url: null },
    created: now,
    default_return_url: p.default_return_url ?? null,
    features: {
      customer_update: { enabled: f.customer_update?.enabled ?? false, allowed_updates: f.customer_update?.allowed_updates ?? [] },
      invoice_history: { enabled: f.invoice_history?.enabled ?? false },
      payment_method_update: { enabled: f.payment_method_update?.enabled ?? false },
      subscription_cancel: { enabled: f.subscription_cancel?.enabled ?? false, mode: 'immediately', proration_behavior: f.subscription_cancel?.proration_behavior ?? 'none' },
      subscription_update: { enabled: false, default_allowed_updates: [], products: [], proration_behavior: 'none' },
    },
    is_default: false,
    livemode: false,
    login_page: { enabled: false, url: null },
    metadata: { ...p.metadata },
    name: p.name ?? null,
    updated: now,
  };
  ctx.state.portalConfigurations.set(configuration.id, configuration);
  ctx.state.save();
  return snapshot(configuration) as unknown as Record<string, unknown>;
}

export function retrievePortalConfiguration(ctx: StandInContext, id: string): Record<string, unknown> {
  const configuration = id === PORTAL_CONFIGURATION_ID ? defaultConfiguration() : ctx.state.portalConfigurations.get(id);
  if (!configuration) throw StripeApiError.noSuch('billing_portal.configuration', id, 'id', 404);
  return snapshot(configuration) as unknown as Record<string, unknown>;
}

export function listPortalConfigurations(ctx: StandInContext, params: Params): Record<string, unknown> {
  const p = validateParams(ListSchema, params);
  const all = [defaultConfiguration(), ...ctx.state.portalConfigurations.values()]
    .filter((c) => p.active === undefined || c.active === p.active)
    .filter((c) => p.is_default === undefined || c.is_default === p.is_default)
    .sort((a, b) => b.created - a.created);
  const limit = p.limit ?? 10;
  return { object: 'list', data: all.slice(0, limit).map((c) => snapshot(c)), has_more: all.length > limit, url: '/v1/billing_portal/configurations' };
}

/** Whether sessions may name this configuration. */
export function portalConfigurationExists(ctx: StandInContext, id: string): boolean {
  return id === PORTAL_CONFIGURATION_ID || ctx.state.portalConfigurations.get(id)?.active === true;
}

/** What the hosted page does without a configuration of the caller's: cards, invoices, cancel now; no plan switching. */
function defaultConfiguration(): PortalConfigurationObject {
  return {
    id: PORTAL_CONFIGURATION_ID,
    object: 'billing_portal.configuration',
    active: true,
    application: null,
    business_profile: { headline: null, privacy_policy_url: null, terms_of_service_url: null },
    created: 0,
    default_return_url: null,
    features: {
      customer_update: { enabled: false, allowed_updates: [] },
      invoice_history: { enabled: true },
      payment_method_update: { enabled: true },
      subscription_cancel: { enabled: true, mode: 'immediately', proration_behavior: 'none' },
      subscription_update: { enabled: false, default_allowed_updates: [], products: [], proration_behavior: 'none' },
    },
    is_default: true,
    livemode: false,
    login_page: { enabled: false, url: null },
    metadata: {},
    name: null,
    updated: 0,
  };
}
