// HTTP + WebSocket wiring: Apollo Server on /graphql, graphql-ws subscriptions on the same port and path,
// GraphiQL, the admin console (/admin), /healthz and /readyz.
import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLFormattedError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { createContext, type Context } from '../resolvers/context.js';
import { buildTastegraphSchema } from '../resolvers/schema.js';
import { createServices, type Services } from '../services/index.js';
import type { AppConfig } from '../config.js';
import { mountAdmin } from './admin.js';
import { mountGraphiQL } from './graphiql.js';

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
  'BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED', 'CONFLICT', 'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE',
]);

export function formatError(log: (m: string) => void) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code as string | undefined;
    if (code && CLIENT_CODES.has(code)) {
      const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    // No stack traces or SQL text reach a client; the log keeps the original.
    log(`internal error: ${(error as Error)?.stack ?? String(error)}`);
    return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

export async function startServer(config: AppConfig, log: (m: string) => void = console.log): Promise<RunningServer> {
  const services = await createServices(config, log);
  const schema = await buildTastegraphSchema(services.events.pubSub);
  const app = express();
  const httpServer = createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer<Record<string, unknown>, Record<string, unknown>>(
    {
      schema,
      // The API key comes as connectionParams.authorization (browsers cannot set WebSocket headers) or a header.
      context: (ctx) => createContext(services, ctx.connectionParams?.authorization ?? ctx.extra.request.headers.authorization) as unknown as Record<string, unknown>,
    },
    wsServer,
  );
  const apollo = new ApolloServer<Context>({
    schema,
    includeStacktraceInErrorResponses: false,
    formatError: formatError(log),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // No cache hints are used (profiles and recommendations are live); the default cache-control plugin would
      // still wrap every field resolver, a measurable cost on the recommendations path.
      ApolloServerPluginCacheControlDisabled(),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    const report = await services.readiness();
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'not ready', ...report });
  });
  mountGraphiQL(app);
  if (!mountAdmin(app)) log('admin console not built: /admin explains; run npm run admin:build');
  app.use('/graphql', express.json({ limit: '5mb' }), expressMiddleware(apollo, { context: async ({ req }) => createContext(services, req.headers.authorization) }));

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
      await services.close();
    },
  };
}
