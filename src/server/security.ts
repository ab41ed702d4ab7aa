// The gate in front of GraphQL on both transports: authenticate, count against the rate limit, refuse oversized,
// batched, mistyped or too costly operations with one coded error, and only then hand over to Apollo or graphql-ws.
import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import express, { type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { GraphQLError, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import type { Authenticate, Principal } from '../auth/authenticate.js';
import type { SecurityConfig } from '../auth/config.js';
import { badRequest, rateLimited } from '../auth/errors.js';
import type { OperationChecker } from '../auth/limits.js';
import type { RateLimiter } from '../auth/rateLimit.js';

export interface Gate {
  authenticate: Authenticate;
  rateLimiter: RateLimiter;
  checker: OperationChecker;
  config: SecurityConfig;
}

type AddressOf = (req: IncomingMessage) => string;

/**
 * The caller's address for anonymous rate limits. Behind a load balancer every socket comes from the balancer, so
 * all anonymous callers would share one budget; TRUST_PROXY names the proxies whose X-Forwarded-For is believed.
 */
export function clientAddressReader(trustProxy: SecurityConfig['trustProxy']): AddressOf {
  if (trustProxy === null) return (req) => req.socket.remoteAddress ?? 'unknown';
  const trust =
    typeof trustProxy === 'number' ? (_addr: string, hop: number) => hop < trustProxy : proxyAddr.compile(trustProxy);
  return (req) => (req.socket.remoteAddress ? proxyAddr(req, trust) : 'unknown');
}

/** Answers with one coded error, the way a GraphQL client expects it. */
function reject(res: Response, err: GraphQLError): void {
  const { http, ...extensions } = err.extensions as { http?: { status?: number } } & Record<string, unknown>;
  if (extensions.code === 'RATE_LIMITED') res.setHeader('Retry-After', String(extensions.retryAfter));
  if (extensions.code === 'UNAUTHENTICATED') res.setHeader('WWW-Authenticate', 'Bearer');
  res.status(http?.status ?? 400).json({ errors: [{ message: err.message, extensions }] });
}

const asGraphQLError = (err: unknown): GraphQLError | null => (err instanceof GraphQLError ? err : null);

/** Express handlers for /graphql, in order; the principal ends up in res.locals.principal. */
export function httpGate(gate: Gate): Array<RequestHandler | ErrorRequestHandler> {
  const clientAddress = clientAddressReader(gate.config.trustProxy);
  const json = express.json({ limit: gate.config.limits.maxBodyBytes });
  const bodyErrors: ErrorRequestHandler = (err: { type?: string; status?: number }, _req, res, next) => {
    if (err?.type === 'entity.too.large')
      return reject(res, badRequest(`request body larger than ${gate.config.limits.maxBodyBytes} bytes`, 413));
    if (err?.type === 'entity.parse.failed') return reject(res, badRequest('request body is not valid JSON'));
    if (err?.status && err.status < 500) return reject(res, badRequest('request body could not be read', err.status));
    next(err);
  };
  const guard: RequestHandler = async (req, res, next) => {
    let principal: Principal;
    try {
      principal = await gate.authenticate(req.headers.authorization, clientAddress(req));
    } catch (err) {
      // A bad credential is counted against the caller's address, so guessing is rate limited too.
      const anon: Principal = { role: 'anonymous', subject: null, via: 'none', rateKey: `ip:${clientAddress(req)}` };
      await gate.rateLimiter.consume(anon).catch(() => undefined);
      return reject(res, asGraphQLError(err) ?? badRequest('bad credentials'));
    }
    try {
      await gate.rateLimiter.consume(principal);
    } catch (err) {
      const e = asGraphQLError(err);
      if (e) return reject(res, e);
      return next(err);
    }
    let params: { query?: unknown; variables?: unknown; operationName?: unknown };
    if (req.method === 'POST') {
      if (!req.is('application/json')) return reject(res, badRequest('POST bodies must be application/json', 415));
      if (Array.isArray(req.body))
        return reject(res, badRequest('batched requests are not supported: send one operation per request'));
      if (!req.body || typeof req.body !== 'object')
        return reject(res, badRequest('request body must be a JSON object'));
      params = req.body as typeof params;
    } else {
      params = req.query as typeof params;
    }
    if (typeof params.query === 'string') {
      const variables = parseVariables(params.variables);
      const result = gate.checker.check(
        params.query,
        variables,
        typeof params.operationName === 'string' ? params.operationName : null,
        // Apollo validates the variables next (its codes are the ones clients get): only the cost is needed here.
        true,
      );
      if (!result.ok && 'limitError' in result) return reject(res, result.limitError);
    }
    res.locals.principal = principal;
    next();
  };
  return [json, bodyErrors, guard];
}

function parseVariables(raw: unknown): Record<string, unknown> | null {
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) return raw as Record<string, unknown>;
  if (typeof raw === 'string') {
    try {
      const v = JSON.parse(raw) as unknown;
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }
  return null;
}

export type WsExtra = {
  principal?: Principal;
  authError?: GraphQLError;
  /** Ids of the operations accepted on this socket and not yet complete. */
  active?: Set<string>;
};

/** graphql-ws hooks: authenticate once per connection, then every subscribe is limited and checked like HTTP. */
export function wsGate(gate: Gate, schema: GraphQLSchema, contextFor: (principal: Principal) => unknown) {
  const clientAddress = clientAddressReader(gate.config.trustProxy);
  return {
    async onConnect(ctx: {
      connectionParams?: Readonly<Record<string, unknown>>;
      extra: WsExtra & { request: IncomingMessage };
    }) {
      const authorization = ctx.connectionParams?.authorization ?? ctx.extra.request.headers.authorization;
      try {
        ctx.extra.principal = await gate.authenticate(authorization, clientAddress(ctx.extra.request));
      } catch (err) {
        // Kept for subscribe time, where it becomes the coded error of every operation on this socket.
        ctx.extra.authError = asGraphQLError(err) ?? badRequest('bad credentials');
      }
      return true;
    },
    async onSubscribe(
      ctx: { extra: WsExtra & { request: IncomingMessage } },
      id: string,
      payload: SubscribePayload,
    ): Promise<ExecutionArgs | readonly GraphQLError[]> {
      const principal = ctx.extra.principal;
      if (ctx.extra.authError || !principal)
        return [forWs(ctx.extra.authError ?? badRequest('connection not initialised'))];
      try {
        await gate.rateLimiter.consume(principal);
      } catch (err) {
        return [forWs(asGraphQLError(err) ?? rateLimited(1))];
      }
      const result = gate.checker.check(payload.query, payload.variables ?? null, payload.operationName ?? null);
      if (!result.ok) return 'limitError' in result ? [forWs(result.limitError)] : result.invalid.map(coded);
      // Counted here (synchronously after the last await), so concurrent subscribes cannot overshoot the cap.
      const active = (ctx.extra.active ??= new Set());
      if (active.size >= gate.config.limits.maxSubscriptionsPerSocket) {
        return [tooManySubscriptions(gate.config.limits.maxSubscriptionsPerSocket)];
      }
      active.add(id);
      return {
        schema,
        document: result.document,
        variableValues: payload.variables ?? undefined,
        operationName: payload.operationName ?? undefined,
        contextValue: contextFor(principal),
      };
    },
    onComplete: releaseOperation,
    onError: releaseOperation,
  };
}

/** Frees an operation's place in the per-socket cap (graphql-ws onComplete and onError). */
export function releaseOperation(ctx: { extra: WsExtra }, id: string): void {
  ctx.extra.active?.delete(id);
}

function tooManySubscriptions(max: number): GraphQLError {
  return new GraphQLError(`at most ${max} subscriptions per connection`, {
    extensions: { code: 'RATE_LIMITED', limit: 'subscriptions', retryAfter: 1 },
  });
}

/** The HTTP status hint means nothing on a socket. */
function forWs(err: GraphQLError): GraphQLError {
  const { http: _http, ...extensions } = err.extensions;
  return new GraphQLError(err.message, { nodes: err.nodes, extensions });
}

/** Syntax and validation errors over WebSocket carry the same codes Apollo gives them over HTTP. */
function coded(err: GraphQLError): GraphQLError {
  const code = err.message.startsWith('Syntax Error') ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED';
  return new GraphQLError(err.message, { nodes: err.nodes, extensions: { ...err.extensions, code } });
}
