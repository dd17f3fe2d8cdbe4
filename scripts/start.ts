// `npm start`: the whole platform on this machine, with embedded defaults. Ctrl-C stops everything.
import { parseArgs } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPlatform, type RunInfo } from '../local/platform.ts';
import { defaultPorts } from '../local/platform-config.ts';
import { PortInUseError } from '../local/ports.ts';
import { ServiceStartError } from '../local/service-process.ts';

const USAGE = `Usage: npm start -- [--reset] [--port N]

  --reset    wipe .wikiplatform/ (databases, uploads, keys, sessions) and start clean
  --port N   port of the edge (default 8787, or WIKIPLATFORM_PORT)
`;

const rootDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function main() {
  const { values } = parseArgs({
    options: { reset: { type: 'boolean', default: false }, port: { type: 'string' }, help: { type: 'boolean', default: false } },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const edgePort = Number(values.port ?? process.env.WIKIPLATFORM_PORT ?? 8787);
  if (!Number.isInteger(edgePort) || edgePort < 1 || edgePort > 65535) {
    fail(`--port must be a port number, got "${values.port ?? process.env.WIKIPLATFORM_PORT}"`);
  }

  const started = Date.now();
  console.log(`wikiplatform: starting${values.reset ? ' from a clean state (--reset)' : ''}…`);
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  try {
    platform = await startPlatform({
      rootDir,
      stateDir: join(rootDir, '.wikiplatform'),
      ports: defaultPorts(edgePort),
      reset: values.reset,
      progress: (line) => console.log(`  ✓ ${line}`),
    });
  } catch (err) {
    if (err instanceof PortInUseError) fail(err.message);
    if (err instanceof ServiceStartError) fail(`${err.message}${err.logTail ? `\n--- last lines of its log ---\n${err.logTail}` : ''}`);
    fail(`could not start: ${err instanceof Error ? err.message : String(err)}`);
  }

  console.log(readyBlock(platform.info, (Date.now() - started) / 1000));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping every service…`);
    await platform.stop();
    console.log('stopped. State is kept in .wikiplatform/ (npm start -- --reset wipes it).');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

function readyBlock(info: RunInfo, seconds: number): string {
  const users = info.demoUsers
    .map((u) => `    ${u.username.padEnd(11)} password: ${u.password.padEnd(11)} ${u.plan ?? 'platform admin (every instance)'}`)
    .join('\n');
  const instances = Object.entries(info.urls)
    .filter(([name]) => name !== 'app')
    .map(([name, url]) => `    ${name.padEnd(11)} ${url}/`)
    .join('\n');
  return `
wikiplatform is ready (${seconds.toFixed(1)} s)

  Portal        ${info.urls.app}/
  Instances
${instances}
  Sign-in       ${info.idp.issuer}
  Demo logins
${users}

  Plans: STARTER opens instance1; PRO opens instance1 and instance2; ENTERPRISE opens all.
  Buy one     ${info.pricing}  (test payments: the Stripe stand-in at ${info.stripe.api})
  Mail inbox  ${info.mail.inbox}  (welcome and set-password emails land here)
  Logs in ${info.logs}/, machine-readable details in .wikiplatform/run.json.
  Press Ctrl-C to stop.
`;
}

function fail(message: string): never {
  console.error(`wikiplatform: ${message}`);
  process.exit(1);
}

await main();
