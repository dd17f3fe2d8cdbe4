// Writes a V8 CPU profile of the edge Worker inside workerd while it serves the benchmark's hot path, for
// finding where the edge's added latency goes. Run by bench/edge.ts when BENCH_CPU_PROFILE=dir is set.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';

export async function profileWorker(inspectorPort: number, worker: string, dir: string, run: () => Promise<void>): Promise<string> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as { id: string; title: string; webSocketDebuggerUrl: string }[];
  const target = targets.find((t) => t.title.includes(worker) || t.id.includes(worker)) ?? targets[0];
  if (!target) throw new Error(`no inspector target for ${worker} on :${inspectorPort}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      pending.set(++id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  await call('Profiler.enable');
  await call('Profiler.setSamplingInterval', { interval: 100 });
  await call('Profiler.start');
  await run();
  const { profile } = (await call('Profiler.stop')) as { profile: unknown };
  socket.close();
  const file = join(dir, `${worker}-${Date.now()}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  return file;
}
