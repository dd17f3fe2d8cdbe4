// What every endpoint and hosted page of the stand-in works with: the state, the price catalog, where
// hosted pages live, and how a change becomes an event (stored, then sent to the webhook endpoint).
import type { Catalog } from './catalog.ts';
import { nowSeconds, snapshot, stripeId, type EventObject, type StripeState } from './stripe-state.ts';
import type { WebhookSender } from './webhook-sender.ts';

/** The API version events are rendered in: the one the stripe library in this repo pins. */
export const EVENT_API_VERSION = '2026-10-28.endive';

/** The API request that caused a change, as events name it; null for changes made on a hosted page. */
export interface RequestOrigin {
  id: string | null;
  idempotencyKey: string | null;
}

export const HOSTED_PAGE: RequestOrigin = { id: null, idempotencyKey: null };

export interface StandInContext {
  state: StripeState;
  catalog: Catalog;
  /** Base URL of hosted pages as browsers reach them (no trailing slash). */
  publicBase: string;
  emit(type: string, object: object, origin: RequestOrigin, previousAttributes?: Record<string, unknown>): EventObject;
}

export function createContext(state: StripeState, catalog: Catalog, publicBase: string, sender: WebhookSender): StandInContext {
  return {
    state,
    catalog,
    publicBase,
    emit(type, object, origin, previousAttributes) {
      const event: EventObject = {
        id: stripeId('evt_1'),
        object: 'event',
        api_version: EVENT_API_VERSION,
        created: nowSeconds(),
        data: { object: snapshot(object) as Record<string, unknown>, ...(previousAttributes ? { previous_attributes: snapshot(previousAttributes) } : {}) },
        livemode: false,
        pending_webhooks: 1,
        request: { id: origin.id, idempotency_key: origin.idempotencyKey },
        type,
      };
      state.events.push(event);
      sender.send(event);
      return event;
    },
  };
}
