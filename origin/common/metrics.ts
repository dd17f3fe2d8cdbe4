// Prometheus metrics, one registry per app (tests build several apps in one process), every series
// labelled with the instance id. Route labels are the registered patterns, never raw paths, so the
// number of series stays bounded whatever URLs clients invent.
import { Hono, type Context } from 'hono';
import { matchedRoutes } from 'hono/route';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BaseEnv } from './env.ts';

export interface Metrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  latency: Histogram<'method' | 'route' | 'status'>;
}

export function createMetrics(options: { instance: string; processMetrics?: boolean }): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ instance: options.instance });
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  return {
    registry,
    requests: new Counter({ name: 'http_requests_total', help: 'HTTP requests answered', labelNames, registers: [registry] }),
    latency: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer an HTTP request',
      labelNames,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

/** The registered pattern that answered (e.g. `/api/pages/:id`), or "unmatched". */
export function routeLabel(c: Context): string {
  const routes = matchedRoutes(c);
  const answered = routes[c.req.routeIndex];
  return answered && answered.method !== 'ALL' ? answered.path : (routes.find((r) => r.method !== 'ALL')?.path ?? 'unmatched');
}

type Labels = { method: string; route: string; status: string };

/** One series: its labels, and the histogram's observer for them (prom-client makes one per `observe` call). */
type Series = { labels: Labels; observe: (seconds: number) => void };

/** Counts one answered request and records its duration. */
export function requestObserver(metrics: Metrics) {
  // One entry per series, reused: the set is bounded (methods × route patterns × statuses).
  const series = new Map<string, Series>();
  return function observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let one = series.get(key);
    if (!one) {
      const labels = { method, route, status: String(status) };
      series.set(key, (one = { labels, observe: metrics.latency.labels(labels).observe }));
    }
    metrics.requests.inc(one.labels);
    one.observe(seconds);
  };
}

export function metricsRoute(metrics: Metrics) {
  const app = new Hono<BaseEnv>();
  app.get('/metrics', async (c) => {
    const body = await metrics.registry.metrics();
    return c.body(body, 200, { 'content-type': metrics.registry.contentType });
  });
  return app;
}
