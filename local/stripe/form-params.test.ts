import { describe, expect, it } from 'vitest';
import { parseFormParams } from './form-params.ts';
import { StripeApiError } from './stripe-errors.ts';

describe('parseFormParams', () => {
  it('nests hashes and arrays written in bracket notation, as the stripe library encodes them', () => {
    const body = 'mode=subscription&line_items[0][price]=price_p&line_items[0][quantity]=1&metadata[plan]=PRO&subscription_data[metadata][plan]=PRO&expand[0]=line_items';
    expect(parseFormParams(body)).toEqual({
      mode: 'subscription',
      line_items: [{ price: 'price_p', quantity: '1' }],
      metadata: { plan: 'PRO' },
      subscription_data: { metadata: { plan: 'PRO' } },
      expand: ['line_items'],
    });
  });

  it('reads percent-encoded brackets and appends `[]` after the highest index', () => {
    expect(parseFormParams('expand%5B%5D=a&expand[]=b&items[2][id]=x&items[0][id]=y')).toEqual({ expand: ['a', 'b'], items: [{ id: 'y' }, { id: 'x' }] });
    expect(parseFormParams('a[1]=x&a[]=y')).toEqual({ a: ['x', 'y'] });
  });

  it('refuses a key that is both a value and a hash, a malformed key, __proto__ and deep nesting with a 400', () => {
    for (const body of ['a=1&a[b]=2', 'a[b]=2&a=1', 'a[b]x=1', '__proto__[polluted]=1', 'a[constructor]=1', 'a[b][c][d][e][f][g]=1']) {
      const error = catchError(() => parseFormParams(body));
      expect(error, body).toBeInstanceOf(StripeApiError);
      expect((error as StripeApiError).status, body).toBe(400);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses more than a thousand pairs', () => {
    const body = Array.from({ length: 1001 }, (_, i) => `k${i}=v`).join('&');
    expect((catchError(() => parseFormParams(body)) as StripeApiError).message).toContain('Too many parameters');
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  return undefined;
}
