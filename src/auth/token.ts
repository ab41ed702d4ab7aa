// Mints HS256 tokens with AUTH_JWT_SECRET (the `npm run token` CLI, tests and benchmarks use it).
import { createSecretKey } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Role } from './config.js';

export interface MintOptions {
  secret: string;
  sub: string;
  role: Role;
  /** Lifetime, e.g. "1h", "15m", "30s" (jose's time span syntax) or seconds. */
  ttl?: string | number;
  subjectClaim?: string;
  roleClaim?: string;
}

export async function mintToken(o: MintOptions): Promise<string> {
  const claims: Record<string, unknown> = { [o.roleClaim ?? 'role']: o.role };
  if ((o.subjectClaim ?? 'sub') !== 'sub') claims[o.subjectClaim!] = o.sub;
  const ttl = o.ttl ?? '1h';
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(o.sub).setIssuedAt();
  jwt.setExpirationTime(typeof ttl === 'number' ? Math.floor(Date.now() / 1000) + ttl : ttl);
  return jwt.sign(createSecretKey(Buffer.from(o.secret, 'utf8')));
}
