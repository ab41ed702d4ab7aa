// Who may read /metrics: it shows operation names, traffic and lag, so it is not public in production. With
// METRICS_TOKEN set, a scraper sends `Authorization: Bearer <token>` (Prometheus: `authorization.credentials`);
// without it the endpoint is open for local development and refused (403) when NODE_ENV=production.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function metricsAccess(token: string | null, production: boolean): RequestHandler {
  const expected = token ? digest(token) : null;
  return (req, res, next) => {
    if (!expected) {
      if (!production) return next();
      res.status(403).type('text/plain').send('/metrics is off in production until METRICS_TOKEN is set\n');
      return;
    }
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    // Digests have equal lengths, so the comparison takes the same time whatever was sent.
    if (m && timingSafeEqual(digest(m[1]!.trim()), expected)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer');
    res.status(401).type('text/plain').send('/metrics needs Authorization: Bearer <METRICS_TOKEN>\n');
  };
}
