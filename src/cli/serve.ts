// `npm start`: the server on the embedded default (SQLite under ./data, lexical encoder) unless configured.
import { EncoderConfigError } from '../inference/loadEncoder.js';
import { loadConfig } from '../config.js';
import { startServer } from '../server/app.js';

try {
  const config = loadConfig();
  const server = await startServer(config, (m) => console.log(`[tastegraph] ${m}`));
  console.log(`[tastegraph] GraphQL and GraphiQL at ${server.url}, subscriptions at ${server.wsUrl}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('[tastegraph] shutting down');
    await server.close();
    process.exit(0);
  };
  // `on`, not `once`: under tsx (npm start) a signal with no listener left makes tsx's own handler exit at once,
  // which cut the drain and the shutdown snapshot short.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  // A configuration problem gets one clear line, not a stack trace.
  if (
    err instanceof EncoderConfigError ||
    (err instanceof Error && /DATABASE_URL|must be|PROFILE_/.test(err.message))
  ) {
    console.error(`[tastegraph] cannot start: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
