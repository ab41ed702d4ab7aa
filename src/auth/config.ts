// Security settings from the environment: who may call (JWTs, API keys), how much one operation may cost and how
// often a principal may call. README.md ("Security") lists every variable with its default.
import { existsSync, readFileSync } from 'node:fs';

export const ROLES = ['user', 'service', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface ApiKey {
  key: string;
  role: Role;
  /** Short non-secret name for logs and rate-limit keys (hash prefix of the key). */
  label: string;
}

export interface AuthConfig {
  /** off: every caller is an admin (local development only; refused when NODE_ENV=production). */
  mode: 'on' | 'off';
  /** Why auth is in this mode, for the start-up log and /readyz. */
  reason: string;
  jwtSecret: string | null;
  /** PEM text of an RS256/ES256 public key. */
  jwtPublicKeyPem: string | null;
  /** A JWKS document ({ keys: [...] }) read from a file. */
  jwks: { keys: Array<Record<string, unknown>> } | null;
  subjectClaim: string;
  roleClaim: string;
  issuer: string | null;
  audience: string | null;
  apiKeys: ApiKey[];
}

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
  /** Cost of one recommendation (per `first`), on top of its selection. */
  recommendationCost: number;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes: number;
  /** Most open subscriptions on one WebSocket. */
  maxSubscriptionsPerSocket: number;
}

export interface RateLimitConfig {
  windowSeconds: number;
  /** Operations per window for each kind of caller; 0 means unlimited. */
  points: Record<Role | 'anonymous', number>;
}

export interface SecurityConfig {
  production: boolean;
  /**
   * Which proxies in front of the server are trusted to report the caller's address in X-Forwarded-For: null
   * trusts none (the socket's peer is the caller), a number trusts that many hops, a list trusts those addresses
   * or subnets (`loopback`, `uniquelocal`, CIDRs), as Express's "trust proxy" reads them.
   */
  trustProxy: number | string[] | null;
  auth: AuthConfig;
  limits: OperationLimits;
  rateLimit: RateLimitConfig;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return v;
}

export function keyLabel(key: string, hash: (s: string) => string): string {
  return `key-${hash(key).slice(0, 8)}`;
}

function parseApiKeys(env: NodeJS.ProcessEnv, hash: (s: string) => string): ApiKey[] {
  const keys: ApiKey[] = [];
  // The single API_KEY of earlier versions keeps working as a service key.
  if (env.API_KEY) keys.push({ key: env.API_KEY, role: 'service', label: keyLabel(env.API_KEY, hash) });
  for (const entry of (env.API_KEYS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const at = entry.lastIndexOf(':');
    const key = at > 0 ? entry.slice(0, at) : entry;
    const role = at > 0 ? entry.slice(at + 1) : 'service';
    if (!(ROLES as readonly string[]).includes(role))
      throw new Error(`API_KEYS: role must be one of ${ROLES.join(', ')}, got "${role}"`);
    if (key.length < 16) throw new Error('API_KEYS: each key must be at least 16 characters');
    keys.push({ key, role: role as Role, label: keyLabel(key, hash) });
  }
  return keys;
}

/** AUTH_JWT_PUBLIC_KEY is PEM text, or a path to a PEM file or to a JWKS file. */
function parsePublicKey(raw: string | undefined): Pick<AuthConfig, 'jwtPublicKeyPem' | 'jwks'> {
  if (!raw) return { jwtPublicKeyPem: null, jwks: null };
  const text = raw.includes('-----BEGIN') ? raw.replace(/\\n/g, '\n') : readKeyFile(raw);
  if (text.includes('-----BEGIN')) return { jwtPublicKeyPem: text, jwks: null };
  const doc = JSON.parse(text) as { keys?: unknown };
  if (!doc || !Array.isArray(doc.keys))
    throw new Error('AUTH_JWT_PUBLIC_KEY: file is neither PEM nor a JWKS ({ "keys": [...] })');
  return { jwtPublicKeyPem: null, jwks: doc as { keys: Array<Record<string, unknown>> } };
}

function readKeyFile(file: string): string {
  if (!existsSync(file)) throw new Error(`AUTH_JWT_PUBLIC_KEY must be PEM text or an existing file, got "${file}"`);
  return readFileSync(file, 'utf8');
}

/** TRUST_PROXY: unset or `false` trusts no proxy; a hop count; or comma-separated addresses, subnets or names. */
function parseTrustProxy(raw: string | undefined): number | string[] | null {
  const text = raw?.trim();
  if (!text || text === 'false' || text === '0') return null;
  if (/^\d+$/.test(text)) return Number(text);
  if (text === 'true')
    throw new Error('TRUST_PROXY=true would let any caller choose its own address: give a hop count or subnets');
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function securityConfigFromEnv(env: NodeJS.ProcessEnv, hash: (s: string) => string): SecurityConfig {
  const production = env.NODE_ENV === 'production';
  const apiKeys = parseApiKeys(env, hash);
  const jwtSecret = env.AUTH_JWT_SECRET || null;
  if (jwtSecret && jwtSecret.length < 32) throw new Error('AUTH_JWT_SECRET must be at least 32 characters');
  const publicKey = parsePublicKey(env.AUTH_JWT_PUBLIC_KEY);
  const configured = Boolean(jwtSecret || publicKey.jwtPublicKeyPem || publicKey.jwks || apiKeys.length);
  const requested = env.AUTH_MODE;
  if (requested && requested !== 'on' && requested !== 'off')
    throw new Error(`AUTH_MODE must be on or off, got "${requested}"`);
  let mode: 'on' | 'off';
  let reason: string;
  if (requested) {
    mode = requested as 'on' | 'off';
    reason = `AUTH_MODE=${requested}`;
  } else if (configured) {
    mode = 'on';
    reason = 'credentials configured';
  } else {
    // A fresh clone starts for local development; production never runs open.
    mode = production ? 'on' : 'off';
    reason = production ? 'NODE_ENV=production' : 'no AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY or API_KEYS configured';
  }
  if (mode === 'off' && production)
    throw new Error('AUTH_MODE must be on when NODE_ENV=production (auth off is refused)');
  if (mode === 'on' && !configured) {
    throw new Error('auth is on, so AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY or API_KEYS must be set');
  }
  return {
    production,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    auth: {
      mode,
      reason,
      jwtSecret,
      ...publicKey,
      apiKeys,
      subjectClaim: env.AUTH_JWT_SUBJECT_CLAIM || 'sub',
      roleClaim: env.AUTH_JWT_ROLE_CLAIM || 'role',
      issuer: env.AUTH_JWT_ISSUER || null,
      audience: env.AUTH_JWT_AUDIENCE || null,
    },
    limits: {
      maxDepth: int(env, 'QUERY_MAX_DEPTH', 10),
      maxAliases: int(env, 'QUERY_MAX_ALIASES', 15),
      maxDirectives: int(env, 'QUERY_MAX_DIRECTIVES', 20),
      maxTokens: int(env, 'QUERY_MAX_TOKENS', 5000),
      maxCost: int(env, 'QUERY_MAX_COST', 10_000),
      recommendationCost: int(env, 'QUERY_RECOMMENDATION_COST', 5),
      maxBodyBytes: int(env, 'MAX_BODY_BYTES', 5 * 1024 * 1024),
      maxSubscriptionsPerSocket: int(env, 'WS_MAX_SUBSCRIPTIONS', 20),
    },
    rateLimit: {
      windowSeconds: int(env, 'RATE_LIMIT_WINDOW_SECONDS', 60) || 60,
      points: {
        anonymous: int(env, 'RATE_LIMIT_ANONYMOUS', 300),
        user: int(env, 'RATE_LIMIT_USER', 600),
        service: int(env, 'RATE_LIMIT_SERVICE', 60_000),
        admin: int(env, 'RATE_LIMIT_ADMIN', 0),
      },
    },
  };
}
