// The Worker: parse the environment once per isolate, build the app once per config, serve: the hot
// path (hot-path.ts) first, the Hono app for everything it declines.
import { errorBody } from '#shared/errors';
import { createApp, defaultDeps, type EdgeApp } from './app.ts';
import { configFor, type EdgeConfig } from './config.ts';
import { hotPath, type HotPath } from './hot-path.ts';
import type { Env } from './env.ts';
import { log, setLogLevel } from './logger.ts';

export { SessionStore } from './session-store.ts';
export { createApp, defaultDeps } from './app.ts';

interface Served {
  app: EdgeApp;
  hot: HotPath;
}

const apps = new WeakMap<EdgeConfig, Served>();
/** Each bad environment is logged once, not on every request. */
const reportedInvalid = new WeakSet<object>();

function appFor(config: EdgeConfig): Served {
  let served = apps.get(config);
  if (!served) {
    setLogLevel(config.logLevel);
    const deps = defaultDeps(config);
    served = { app: createApp(deps), hot: hotPath(deps) };
    apps.set(config, served);
  }
  return served;
}

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const loaded = configFor(env);
    if (!loaded.ok) {
      if (!reportedInvalid.has(env)) {
        reportedInvalid.add(env);
        log('error', { msg: 'edge configuration invalid', variables: loaded.variables, detail: loaded.message });
      }
      const rid = crypto.randomUUID();
      // Names of the bad variables only, never their values.
      return Response.json(errorBody('internal', 'The edge configuration is invalid.', rid, { configInvalid: loaded.variables }), {
        status: 500,
        headers: { 'x-request-id': rid, 'cache-control': 'no-store' },
      });
    }
    const { app, hot } = appFor(loaded.config);
    return (await hot(request, ctx)) ?? app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
