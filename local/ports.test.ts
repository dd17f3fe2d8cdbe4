import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { assertPortFree, freePort, isPortFree, PortInUseError } from './ports.ts';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('ports', () => {
  it('names the service and the port when a fixed port is already taken', async () => {
    const port = await freePort();
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    expect(await isPortFree(port)).toBe(false);
    const error = await assertPortFree('edge', port).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as Error).message).toBe(`Port ${port} (edge) is already in use. Stop whatever listens there, or choose another port (see --help).`);
  });

  it('hands out free ports below the ephemeral range, never the same one twice', async () => {
    const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
    expect(new Set(ports).size).toBe(50);
    for (const port of ports) expect(port >= 20_000 && port < 32_768).toBe(true);
  });

  it('says a port is free once nothing listens on it', async () => {
    const port = await freePort();
    expect(await isPortFree(port)).toBe(true);
    await expect(assertPortFree('edge', port)).resolves.toBeUndefined();
  });
});
