// The monitoring profile, checked against what the origins really export: every metric a dashboard
// panel queries must exist in a real origin's /metrics, and Prometheus must scrape every origin service.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics } from '../../origin/common/metrics.ts';

const ROOT = join(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Service {
  profiles?: string[];
  entrypoint?: string[];
  image?: string;
  environment?: Record<string, string>;
  volumes?: string[];
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const prometheus = parse(read('deploy/monitoring/prometheus.yml')) as {
  scrape_configs: { job_name: string; metrics_path?: string; honor_labels?: boolean; static_configs: { targets: string[] }[]; relabel_configs?: { source_labels: string[]; regex: string; target_label: string; replacement: string }[] }[];
};
const datasources = parse(read('deploy/monitoring/grafana/provisioning/datasources/prometheus.yml')) as { datasources: { uid: string; url: string }[] };
const dashboard = JSON.parse(read('deploy/monitoring/grafana/dashboards/wikiplatform-instance.json')) as {
  templating: { list: { name: string; query: { query: string } }[] };
  panels: { title: string; datasource: { uid: string }; targets: { expr: string }[] }[];
};

/** Series names a real origin exports, with the histogram suffixes Prometheus derives. */
async function exportedNames(): Promise<Set<string>> {
  const metrics = createMetrics({ instance: 'instance1', processMetrics: true });
  metrics.requests.inc({ method: 'GET', route: '/', status: '200' });
  metrics.latency.observe({ method: 'GET', route: '/', status: '200' }, 0.01);
  const text = await metrics.registry.metrics();
  return new Set(text.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => line.split(/[{ ]/)[0]!));
}

/** Metric names in a PromQL expression: identifiers followed by a selector or range, minus functions and labels. */
function metricNames(expr: string): string[] {
  const withoutLabels = expr.replace(/\{[^}]*\}/g, '{}').replace(/\b(by|without)\s*\([^)]*\)/g, '');
  return [...withoutLabels.matchAll(/\b([a-z_:][a-z0-9_:]*)\s*(?=\{|\[)/g)].map((m) => m[1]!);
}

describe('monitoring profile', () => {
  const originServices = Object.keys(compose.services).filter((name) => name === 'portal' || /^instance\d+$/.test(name));

  it('runs Prometheus and Grafana only under the "monitoring" profile, with their config mounted from deploy/monitoring', () => {
    for (const name of ['prometheus', 'grafana']) expect(compose.services[name]?.profiles).toEqual(['monitoring']);
    expect(compose.services.prometheus!.volumes).toContain('./deploy/monitoring/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
    expect(compose.services.grafana!.volumes).toEqual(
      expect.arrayContaining(['./deploy/monitoring/grafana/provisioning:/etc/grafana/provisioning:ro', './deploy/monitoring/grafana/dashboards:/var/lib/grafana/dashboards:ro']),
    );
    expect(compose.services.grafana!.environment!.GF_SECURITY_ADMIN_PASSWORD).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD/);
  });

  it('refuses to start Grafana without an admin password instead of opening it with admin/admin', () => {
    // The entrypoint as the container runs it: compose turns `$$` into `$`.
    const [shell, flag, script, name] = compose.services.grafana!.entrypoint!.map((part) => part.replaceAll('$$', '$'));
    const run = (password?: string) =>
      spawnSync(shell!, [flag!, script!, name!], { env: { PATH: process.env.PATH, ...(password === undefined ? {} : { GF_SECURITY_ADMIN_PASSWORD: password }) }, encoding: 'utf8' });
    for (const refused of [run(), run('')]) {
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('set GRAFANA_ADMIN_PASSWORD');
    }
    // With one, it goes on to Grafana's own entrypoint (absent here: "not found", 127).
    const started = run('s3cret-enough');
    expect(started.status).toBe(127);
    expect(started.stderr).toContain('/run.sh');
  });

  it('scrapes /metrics on every origin service of the compose file, keeping the origins\' own instance label', () => {
    const job = prometheus.scrape_configs.find((c) => c.job_name === 'origins')!;
    const targets = job.static_configs.flatMap((c) => c.targets);
    expect(targets.sort()).toEqual(originServices.map((name) => `${name}:3000`).sort());
    expect(job.metrics_path).toBe('/metrics');
    expect(job.honor_labels).toBe(true);
    // `up` gets the service name as instance, which is the label the origins put on their series.
    const relabel = job.relabel_configs![0]!;
    expect('instance1:3000'.replace(new RegExp(`^${relabel.regex}$`), relabel.replacement)).toBe('instance1');
    expect(relabel.target_label).toBe('instance');
  });

  it('queries only metrics the origins export, through the provisioned Prometheus data source', async () => {
    const exported = await exportedNames();
    const uid = datasources.datasources[0]!.uid;
    expect(datasources.datasources[0]!.url).toBe('http://prometheus:9090');
    const queried = new Set<string>();
    for (const panel of dashboard.panels) {
      expect(panel.datasource.uid, panel.title).toBe(uid);
      for (const target of panel.targets) for (const name of metricNames(target.expr)) queried.add(name);
    }
    for (const name of metricNames(dashboard.templating.list[0]!.query.query.replace(/label_values\((\w+),.*/, '$1{}'))) queried.add(name);
    queried.delete('up'); // Prometheus's own series for every target
    expect(queried.size).toBeGreaterThan(5);
    expect([...queried].filter((name) => !exported.has(name))).toEqual([]);
  });

  it('offers the instance as the dashboard variable every panel filters on', () => {
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['instance']);
    for (const panel of dashboard.panels) for (const target of panel.targets) expect(target.expr, panel.title).toContain('instance="$instance"');
  });
});
