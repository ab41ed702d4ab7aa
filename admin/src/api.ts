// The console's GraphQL client: fetch for queries, graphql-ws for subscriptions, one admin token for both
// (sent as `Authorization: Bearer <token>` over HTTP and as connectionParams.authorization over WebSocket).
import { createClient, type Client } from 'graphql-ws';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';

const TOKEN_KEY = 'tastegraph.console.token';

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token.trim());
  resetSocket();
}

export function clearToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  resetSocket();
}

function authorization(): string | undefined {
  const token = getToken();
  if (!token) return undefined;
  return /^bearer\s/i.test(token) ? token : `Bearer ${token}`;
}

export interface GraphQLErrorShape {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string };
}

export class RequestError extends Error {
  constructor(readonly errors: GraphQLErrorShape[]) {
    super(errors.map((e) => e.message).join('; '));
  }
  get isAuth(): boolean {
    return this.errors.some((e) => e.extensions?.code === 'FORBIDDEN' || e.extensions?.code === 'UNAUTHENTICATED');
  }
}

/** Fired when the server refuses the token, so the app can ask for another. */
export const AUTH_FAILED = 'tastegraph:auth-failed';

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const auth = authorization();
  const res = await fetch(new URL('/graphql', location.origin), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(auth ? { authorization: auth } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  let body: { data?: T; errors?: GraphQLErrorShape[] };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new RequestError([{ message: `HTTP ${res.status} ${res.statusText}` }]);
  }
  if (body.errors?.length) {
    const err = new RequestError(body.errors);
    if (err.isAuth) window.dispatchEvent(new Event(AUTH_FAILED));
    throw err;
  }
  return body.data as T;
}

// ------------------------------------------------------------------ subscriptions

export type LiveState = 'connecting' | 'live' | 'offline';
let socket: Client | null = null;
let liveState: LiveState = 'offline';
const liveListeners = new Set<() => void>();
function setLive(s: LiveState) {
  liveState = s;
  liveListeners.forEach((l) => l());
}

function client(): Client {
  if (!socket) {
    socket = createClient({
      url: new URL('/graphql', location.origin).href.replace(/^http/, 'ws'),
      connectionParams: () => {
        const auth = authorization();
        return auth ? { authorization: auth } : {};
      },
      lazy: true,
      keepAlive: 15_000,
      retryAttempts: Infinity,
      shouldRetry: () => true,
      on: {
        connecting: () => setLive('connecting'),
        connected: () => setLive('live'),
        closed: () => setLive('offline'),
      },
    });
  }
  return socket;
}

function resetSocket(): void {
  void socket?.dispose();
  socket = null;
  setLive('offline');
}

/** Subscribes while mounted; `onData` gets each result's data. */
export function useSubscription<T>(
  query: string,
  variables: Record<string, unknown>,
  onData: (data: T) => void,
  enabled = true,
): string | null {
  const [error, setError] = useState<string | null>(null);
  const handler = useRef(onData);
  handler.current = onData;
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (!enabled) return;
    setError(null);
    return client().subscribe<T>(
      { query, variables: JSON.parse(key) as Record<string, unknown> },
      {
        next: (result) => {
          if (result.errors?.length) {
            const err = new RequestError(result.errors as GraphQLErrorShape[]);
            if (err.isAuth) window.dispatchEvent(new Event(AUTH_FAILED));
            setError(err.message);
          } else if (result.data) handler.current(result.data as T);
        },
        error: (e) =>
          setError(
            e instanceof Error
              ? e.message
              : Array.isArray(e)
                ? (e as GraphQLErrorShape[]).map((x) => x.message).join('; ')
                : 'subscription closed',
          ),
        complete: () => undefined,
      },
    );
  }, [query, key, enabled]);
  return error;
}

export function useLiveState(): LiveState {
  return useSyncExternalStore(
    (l) => {
      liveListeners.add(l);
      return () => liveListeners.delete(l);
    },
    () => liveState,
  );
}

// ------------------------------------------------------------------ queries

export interface QueryState<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  refetch: () => Promise<void>;
}

/** Runs `query` whenever its variables change; `refetch` re-runs it without clearing what is shown. */
export function useQuery<T>(query: string, variables: Record<string, unknown>, enabled = true): QueryState<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(enabled);
  const key = JSON.stringify(variables);
  const latest = useRef(0);
  const run = useCallback(async () => {
    const n = ++latest.current;
    setLoading(true);
    try {
      const d = await gql<T>(query, JSON.parse(key) as Record<string, unknown>);
      if (n === latest.current) {
        setData(d);
        setError(null);
      }
    } catch (e) {
      if (n === latest.current) setError((e as Error).message);
    } finally {
      if (n === latest.current) setLoading(false);
    }
  }, [query, key]);
  useEffect(() => {
    if (enabled) void run();
  }, [run, enabled]);
  return { data, error, loading, refetch: run };
}
