// Customer portal sessions over the API. The hosted portal page (hosted-pages.ts) behaves like a portal
// configured with cancellation "immediately" and without plan switching (see the platform's choice in
// origin/portal/billing/purchase-path.ts).
import { z } from 'zod';
import type { Params } from './form-params.ts';
import type { StandInContext } from './stand-in-context.ts';
import { StripeApiError } from './stripe-errors.ts';
import { nowSeconds, snapshot, stripeId, type PortalRecord } from './stripe-state.ts';
import { text, urlParam, validateParams } from './validate-params.ts';

import { PORTAL_CONFIGURATION_ID, portalConfigurationExists } from './billing-portal-configurations.ts';

const CreateSchema = z.strictObject({
  customer: text(255),
  return_url: urlParam().optional(),
  locale: text(10).optional(),
  configuration: text(255).optional(),
  expand: z.array(z.string()).max(0, { message: 'This property cannot be expanded.' }).optional(),
});
const CREATE_NOT_IMPLEMENTED = ['customer_account', 'flow_data', 'on_behalf_of', 'after_expiration'];

export function createPortalSession(ctx: StandInContext, params: Params): Record<string, unknown> {
  const p = validateParams(CreateSchema, params, { notImplemented: CREATE_NOT_IMPLEMENTED });
  if (p.configuration !== undefined && !portalConfigurationExists(ctx, p.configuration)) {
    throw StripeApiError.noSuch('billing_portal.configuration', p.configuration, 'configuration', 400);
  }
  if (!ctx.state.customers.has(p.customer)) throw StripeApiError.noSuch('customer', p.customer, 'customer', 400);
  const token = stripeId('test_', 48);
  const record: PortalRecord = {
    token,
    session: {
      id: stripeId('bps_1'),
      object: 'billing_portal.session',
      configuration: p.configuration ?? PORTAL_CONFIGURATION_ID,
      created: nowSeconds(),
      customer: p.customer,
      flow: null,
      livemode: false,
      locale: null,
      on_behalf_of: null,
      return_url: p.return_url ?? null,
      url: `${ctx.publicBase}/p/session/${token}`,
    },
  };
  ctx.state.portalSessions.set(token, record);
  ctx.state.save();
  return snapshot(record.session) as unknown as Record<string, unknown>;
}
