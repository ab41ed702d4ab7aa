// Turns an Authorization value into a Principal: a Bearer JWT (verified with jose), a static API key (compared in
// constant time), nothing (anonymous) or, with AUTH_MODE=off, the local-development admin.
import { createHash, createPublicKey, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { ROLES, type AuthConfig, type Role } from './config.js';
import { unauthenticated } from './errors.js';

export interface Principal {
  role: Role | 'anonymous';
  /** The user id a `user` acts as (the token's subject); null for keys and anonymous callers. */
  subject: string | null;
  via: 'jwt' | 'api-key' | 'none' | 'auth-off';
  /** What rate limits count against: the subject, the key's label or the client address. */
  rateKey: string;
}

export type Authenticate = (authorization: unknown, clientAddress: string) => Promise<Principal>;

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const MAX_CREDENTIAL_LENGTH = 8192;

function jwtKey(config: AuthConfig): { key: KeyObject | JWTVerifyGetKey; algorithms: string[] } | null {
  if (config.jwtSecret) return { key: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')), algorithms: ['HS256'] };
  if (config.jwtPublicKeyPem) {
    const key = createPublicKey(config.jwtPublicKeyPem);
    return { key, algorithms: key.asymmetricKeyType === 'ec' ? ['ES256'] : ['RS256'] };
  }
  if (config.jwks)
    return {
      key: createLocalJWKSet(config.jwks as Parameters<typeof createLocalJWKSet>[0]),
      algorithms: ['RS256', 'ES256'],
    };
  return null;
}

export function createAuthenticator(config: AuthConfig): Authenticate {
  const verifier = jwtKey(config);
  const options: JWTVerifyOptions = {
    algorithms: verifier?.algorithms ?? [],
    requiredClaims: ['exp'],
    ...(config.issuer ? { issuer: config.issuer } : {}),
    ...(config.audience ? { audience: config.audience } : {}),
  };
  // Keys are compared as fixed-length digests, against every configured key, so timing reveals neither.
  const keyDigests = config.apiKeys.map((k) => ({ digest: createHash('sha256').update(k.key).digest(), key: k }));

  async function fromJwt(token: string): Promise<Principal> {
    if (!verifier)
      throw unauthenticated(
        'bearer tokens are not accepted by this server (no AUTH_JWT_SECRET or AUTH_JWT_PUBLIC_KEY)',
      );
    let payload: Record<string, unknown>;
    try {
      // Overloads of jwtVerify differ for a key and a key resolver; both are accepted at run time.
      payload = (await jwtVerify(token, verifier.key as KeyObject, options)).payload;
    } catch (err) {
      const reason =
        err instanceof joseErrors.JWTExpired
          ? 'token expired'
          : err instanceof joseErrors.JOSEError
            ? 'token rejected'
            : 'token malformed';
      throw unauthenticated(reason);
    }
    const subject = payload[config.subjectClaim];
    if (typeof subject !== 'string' || !subject || subject.length > 256)
      throw unauthenticated(`token has no valid "${config.subjectClaim}" claim`);
    const role = payload[config.roleClaim] ?? 'user';
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role))
      throw unauthenticated(`token has no valid "${config.roleClaim}" claim`);
    return { role: role as Role, subject, via: 'jwt', rateKey: `sub:${subject}` };
  }

  function fromApiKey(given: string): Principal {
    const digest = createHash('sha256').update(given).digest();
    let found: (typeof keyDigests)[number]['key'] | null = null;
    for (const k of keyDigests) if (timingSafeEqual(digest, k.digest) && !found) found = k.key;
    if (!found) throw unauthenticated('unknown API key');
    return { role: found.role, subject: null, via: 'api-key', rateKey: `key:${found.label}` };
  }

  return async (authorization, clientAddress) => {
    if (config.mode === 'off') return { role: 'admin', subject: null, via: 'auth-off', rateKey: `ip:${clientAddress}` };
    if (authorization === undefined || authorization === null || authorization === '') {
      return { role: 'anonymous', subject: null, via: 'none', rateKey: `ip:${clientAddress}` };
    }
    if (typeof authorization !== 'string' || authorization.length > MAX_CREDENTIAL_LENGTH)
      throw unauthenticated('malformed Authorization');
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m) throw unauthenticated('Authorization must be "Bearer <token or API key>"');
    const credential = m[1]!;
    return JWT_SHAPE.test(credential) ? fromJwt(credential) : fromApiKey(credential);
  };
}
