// HTTP + WebSocket wiring: Apollo Server on /graphql, graphql-ws subscriptions on the same port and path,
// GraphiQL, the admin console (/admin), /healthz and /readyz.
import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLFormattedError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { createAuthenticator } from '../auth/authenticate.js';
import { createOperationChecker } from '../auth/limits.js';
import { createRateLimiter } from '../auth/rateLimit.js';
import { createContext, type Context } from '../resolvers/context.js';
import { buildTastegraphSchema } from '../resolvers/schema.js';
import { createServices, type Services } from '../services/index.js';
import type { AppConfig } from '../config.js';
import { mountAdmin } from './admin.js';
import { mountGraphiQL } from './graphiql.js';
import { metricsAccess } from './metricsAccess.js';
import { httpGate, wsGate, type Gate, type WsExtra } from './security.js';

export interface RunningServer {
  url: string;
  wsUrl: string;
  port: number;
  services: Services;
  httpServer: Server;
  close(): Promise<void>;
}

/** Codes a client may see with their message; anything else is an internal error and is masked. */
const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'CONFLICT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'QUERY_TOO_COMPLEX',
  'RATE_LIMITED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * What an internal error logs: its type, code and stack frames, never its message when that may quote stored data
 * (Prisma's messages print the arguments of the failed call: review texts, onboarding texts, attributes).
 */
export function loggableError(error: unknown): string {
  const err = (error as { originalError?: unknown })?.originalError ?? error;
  if (!(err instanceof Error)) return 'non-error thrown';
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .slice(0, 8)
    .join('\n');
  const code = (err as { code?: unknown }).code;
  const quotesData = /Prisma|invocation/i.test(err.name + err.message);
  const message = quotesData ? '(message withheld: it may quote stored data)' : err.message.slice(0, 300);
  return `${err.name}${code ? ` ${String(code)}` : ''}: ${message}\n${frames}`;
}

export function formatError(log: (m: string) => void, production = false) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code as string | undefined;
    if (code && CLIENT_CODES.has(code)) {
      const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
      // In production field suggestions ("Did you mean ...?") would map the schema with introspection off.
      const message = production ? formatted.message.replace(/ ?Did you mean .+\?$/, '') : formatted.message;
      return { ...formatted, message, extensions };
    }
    // No stack traces, SQL or stored texts reach a client or the log.
    log(`internal error: ${loggableError(error)}`);
    return {
      message: 'Internal server error',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/** Operation names are chosen by clients: the first 200 distinct ones become labels, later ones 'other'. */
const seenOperations = new Set<string>();
function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (seenOperations.has(name)) return name;
  if (seenOperations.size >= 200 || !/^[A-Za-z_]\w{0,63}$/.test(name)) return 'other';
  seenOperations.add(name);
  return name;
}

export async function startServer(config: AppConfig, log: (m: string) => void = console.log): Promise<RunningServer> {
  const services = await createServices(config, log);
  const schema = await buildTastegraphSchema(services.events.pubSub);
  const app = express();
  const httpServer = createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const security = config.security;
  const maxFirst = Math.max(config.limits.maxPageSize, config.limits.maxRecommendations);
  const gate: Gate = {
    authenticate: createAuthenticator(security.auth),
    rateLimiter: createRateLimiter(security.rateLimit, config.redisUrl),
    checker: createOperationChecker(schema, security.limits, security.production, maxFirst),
    config: security,
  };
  await gate.rateLimiter.ready();
  log(
    `auth ${security.auth.mode} (${security.auth.reason})${security.auth.mode === 'off' ? ': every caller is an admin, for local development only' : ''}`,
  );
  // The token comes as connectionParams.authorization (browsers cannot set WebSocket headers) or a header.
  const wsCleanup = useServer<Record<string, unknown>, WsExtra>(
    { schema, ...wsGate(gate, schema, (principal) => createContext(services, principal)) },
    wsServer,
  );
  const apollo = new ApolloServer<Context>({
    schema,
    includeStacktraceInErrorResponses: false,
    introspection: !security.production,
    allowBatchedHttpRequests: false,
    // The process's owner (src/cli/serve.ts) handles SIGTERM/SIGINT: it drains, then closes services (the shutdown
    // snapshot, the database). Apollo's own handlers (on outside NODE_ENV=test) re-raised the signal after stopping
    // HTTP, so the process died before the services closed.
    stopOnTerminationSignals: false,
    formatError: formatError(log, security.production),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // No cache hints are used (profiles and recommendations are live); the default cache-control plugin would
      // still wrap every field resolver, a measurable cost on the recommendations path.
      ApolloServerPluginCacheControlDisabled(),
      {
        async requestDidStart() {
          const started = performance.now();
          return {
            async willSendResponse({ operationName, operation, errors }) {
              const labels = {
                operation: operationLabel(operationName),
                type: operation?.operation ?? 'unknown',
                outcome: errors?.length ? 'error' : 'ok',
              };
              services.metrics.operationSeconds.observe(labels, (performance.now() - started) / 1000);
            },
          };
        },
      },
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    const report = await services.readiness();
    const auth = { mode: security.auth.mode, reason: security.auth.reason, rateLimits: gate.rateLimiter.backend };
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'not ready', ...report, auth });
  });
  app.get('/metrics', metricsAccess(config.metricsToken, security.production), async (_req, res) => {
    const { registry } = services.metrics;
    res.set('content-type', registry.contentType).send(await registry.metrics());
  });
  mountGraphiQL(app);
  if (!mountAdmin(app)) log('admin console not built: /admin explains; run npm run admin:build');
  app.use(
    '/graphql',
    ...httpGate(gate),
    expressMiddleware(apollo, { context: async ({ res }) => createContext(services, res.locals.principal) }),
  );

  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const port = (httpServer.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host}:${port}/graphql`;
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    port,
    services,
    httpServer,
    async close() {
      await apollo.stop();
      await gate.rateLimiter.close();
      await services.close();
    },
  };
}
