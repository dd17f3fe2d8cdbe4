// The Worker: parse the environment once per isolate, build the app once per config, serve.
import { errorBody } from '#shared/errors';
import { createApp, defaultDeps, type EdgeApp } from './app.ts';
import { configFor, type EdgeConfig } from './config.ts';
import type { Env } from './env.ts';
import { log, setLogLevel } from './logger.ts';

export { SessionStore } from './session-store.ts';
export { createApp, defaultDeps } from './app.ts';

const apps = new WeakMap<EdgeConfig, EdgeApp>();
/** Each bad environment is logged once, not on every request. */
const reportedInvalid = new WeakSet<object>();

function appFor(config: EdgeConfig): EdgeApp {
  let app = apps.get(config);
  if (!app) {
    setLogLevel(config.logLevel);
    app = createApp(defaultDeps(config));
    apps.set(config, app);
  }
  return app;
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
    return appFor(loaded.config).fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
