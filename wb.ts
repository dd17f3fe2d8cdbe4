import { createServer, Agent, request } from 'node:http';
import { Miniflare } from 'miniflare';
import { freePort } from './local/ports.ts';

const body = JSON.stringify({ ok: true, page: 'Home', text: 'x'.repeat(512) });
const server = createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'self'", 'x-frame-options': 'DENY', 'referrer-policy': 'same-origin', 'x-request-id': 'abc' }); res.end(body); }); });
server.keepAliveTimeout = 60_000;
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const ORIGIN = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
const A = 'x'.repeat(700);
const head = `export default { async fetch(request, env) { const url = new URL(request.url);`;
const fetchBare = `fetch(env.ORIGIN + url.pathname + url.search, { method: request.method, headers: request.headers, redirect: 'manual' })`;
const variants: Record<string, string> = {
  bare: `${head} return ${fetchBare}; } }`,
  abortTimer: `${head} const c = new AbortController(); const t = setTimeout(() => c.abort(), 30000); try { return await fetch(env.ORIGIN + url.pathname + url.search, { method: request.method, headers: request.headers, redirect: 'manual', signal: c.signal }); } finally { clearTimeout(t); } } }`,
  raceTimer: `${head} let t; const timeout = new Promise((_, rej) => { t = setTimeout(() => rej(new Error('timeout')), 30000); }); try { return await Promise.race([${fetchBare}, timeout]); } finally { clearTimeout(t); } } }`,
  signalTimeout: `${head} return fetch(env.ORIGIN + url.pathname + url.search, { method: request.method, headers: request.headers, redirect: 'manual', signal: AbortSignal.timeout(30000) }); } }`,
  headersOnly: `${head} const h = new Headers(request.headers); h.delete('cookie'); h.set('x-forwarded-host', url.host); h.set('x-forwarded-proto', 'http'); h.set('x-request-id', crypto.randomUUID()); h.set('x-wikiplatform-assertion', '${A}'); return fetch(env.ORIGIN + url.pathname + url.search, { method: request.method, headers: h, redirect: 'manual' }); } }`,
  rewrap: `${head} const res = await ${fetchBare}; const r = new Response(res.body, { status: res.status, statusText: res.statusText, headers: res.headers }); r.headers.set('x-request-id', 'abc'); r.headers.set('server-timing', 'edge;dur=0'); if (!r.headers.has('x-frame-options')) r.headers.set('x-frame-options','DENY'); if (!r.headers.has('referrer-policy')) r.headers.set('referrer-policy','x'); if (!r.headers.has('content-security-policy')) r.headers.set('content-security-policy','x'); r.headers.set('x-content-type-options','nosniff'); return r; } }`,
  hdrClone: `${head} const h = new Headers(request.headers); return fetch(env.ORIGIN + url.pathname + url.search, { method: request.method, headers: h, redirect: 'manual' }); } }`,
  hdrBigAssert: `${head} const h = new Headers(request.headers); h.set('x-wikiplatform-assertion', '${A}'); return fetch(env.ORIGIN + url.pathname + url.search, { method: request.method, headers: h, redirect: 'manual' }); } }`,
  rewrapOnly: `${head} const res = await ${fetchBare}; return new Response(res.body, res); } }`,
  rewrapInitSets: `${head} const res = await ${fetchBare}; const r = new Response(res.body, res); r.headers.set('x-request-id', 'abc'); r.headers.set('server-timing', 'edge;dur=0'); return r; } }`,
  loopSet: `${head} const res = await ${fetchBare}; const r = new Response(res.body, res); for (let i = 0; i < 200; i++) r.headers.set('server-timing', 'edge;dur=' + i); return r; } }`,
  loopHas: `${head} const res = await ${fetchBare}; const r = new Response(res.body, res); let n = 0; for (let i = 0; i < 200; i++) if (r.headers.has('x-frame-options')) n++; r.headers.set('x-n', String(n)); return r; } }`,
  loopIter: `${head} const res = await ${fetchBare}; let n = 0; for (let i = 0; i < 20; i++) for (const [k, v] of res.headers) n += k.length + v.length; const r = new Response(res.body, res); r.headers.set('x-n', String(n)); return r; } }`,
  loopReqClone: `${head} let h; for (let i = 0; i < 200; i++) h = new Headers(request.headers); return fetch(env.ORIGIN + url.pathname + url.search, { method: request.method, headers: h, redirect: 'manual' }); } }`,
  loopTimer: `${head} for (let i = 0; i < 200; i++) { const c = new AbortController(); const t = setTimeout(() => c.abort(), 30000); clearTimeout(t); } return ${fetchBare}; } }`,
  loopSignalTimeout: `${head} let s; for (let i = 0; i < 200; i++) s = AbortSignal.timeout(30000); return ${fetchBare}; } }`,
  fetchSignal: `${head} const c = new AbortController(); return fetch(env.ORIGIN + url.pathname + url.search, { method: request.method, headers: request.headers, redirect: 'manual', signal: c.signal }); } }`,
  timerNoSignal: `${head} const c = new AbortController(); const t = setTimeout(() => c.abort(), 30000); try { return await ${fetchBare}; } finally { clearTimeout(t); } } }`,
  awaitOnly: `${head} const res = await ${fetchBare}; return res; } }`,
  rewrapSet1: `${head} const res = await ${fetchBare}; const r = new Response(res.body, res); r.headers.set('server-timing', 'edge;dur=0'); return r; } }`,
  reqObj: `${head} const h = {}; for (const [k, v] of request.headers) if (k !== 'cookie') h[k] = v; h['x-forwarded-host'] = url.host; h['x-forwarded-proto'] = 'http'; h['x-request-id'] = 'abc'; h['x-wikiplatform-assertion'] = '${A}'; return fetch(env.ORIGIN + url.pathname + url.search, { method: request.method, headers: h, redirect: 'manual' }); } }`,
};
const only = process.argv[2]?.split(',');
const names = Object.keys(variants).filter((n) => !only || only.includes(n) || n === 'bare');
import { readdirSync, readFileSync } from 'node:fs';
const workerdPids = () => readdirSync('/proc').filter((e) => /^\d+$/.test(e)).filter((pid) => { try { return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'workerd'; } catch { return false; } }).map(Number);
const cpu = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').slice(readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2).split(' '); return (Number(f[11]) + Number(f[12])) / 100; };
const mfs: Record<string, { mf: Miniflare; port: number; pid?: number }> = {};
for (const name of names) {
  const port = await freePort();
  const mf = new Miniflare({ name, modules: true, script: variants[name]!, compatibilityDate: '2026-04-26', host: '127.0.0.1', port, bindings: { ORIGIN } });
  const before = new Set(workerdPids());
  await mf.ready;
  mfs[name] = { mf, port, pid: workerdPids().find((p) => !before.has(p)) };
}
async function load(port: number, seconds: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const lat: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    await new Promise<void>((resolve) => {
      const t0 = performance.now();
      request({ host: '127.0.0.1', port, path: '/wiki/Home', agent, headers: { host: 'instance1.wikiplatform.localhost', cookie: 'wp_session=' + 'y'.repeat(400), accept: 'text/html' } }, (res) => { res.resume(); res.on('end', () => { if (res.statusCode === 200) lat.push(performance.now() - t0); resolve(); }); }).end();
    });
  }
  agent.destroy();
  return lat;
}
const all: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
const cpuUsed: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
for (const n of names) await load(mfs[n]!.port, 1);
const ROUNDS = Number(process.env.ROUNDS ?? 4);
for (let r = 0; r < ROUNDS; r++) for (const n of r % 2 ? [...names].reverse() : names) { const c0 = cpu(mfs[n]!.pid!); all[n]!.push(...(await load(mfs[n]!.port, Number(process.env.SECS ?? 3)))); cpuUsed[n]! += cpu(mfs[n]!.pid!) - c0; }
const p50 = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const base = p50(all.bare!);
const cpuBase = cpuUsed.bare! / all.bare!.length;
for (const n of names) { const c = cpuUsed[n]! / all[n]!.length; console.log(n.padEnd(14), (p50(all[n]!) * 1000).toFixed(0).padStart(5), 'µs  ratio', (p50(all[n]!) / base).toFixed(3), ' +', ((p50(all[n]!) - base) * 1000).toFixed(0).padStart(3), 'µs   workerd cpu/req', (c * 1e6).toFixed(0), 'µs  +', ((c - cpuBase) * 1e6).toFixed(0)); }
for (const n of names) await mfs[n]!.mf.dispose();
server.close(); server.closeAllConnections();
