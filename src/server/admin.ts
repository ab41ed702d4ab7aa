// The admin console (/admin): a React app in admin/, built by `npm run admin:build` (npm ci / npm install run it
// after `generate`) into the git-ignored admin/dist. Served here with a history fallback so /admin/users/<id>
// reloads; when the build is missing, /admin says how to build it instead of a bare 404.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import express from 'express';

/** The repository root: the nearest folder above this file with the admin/ sources (works from src/ and dist/src/). */
function repositoryRoot(): string {
  let dir = import.meta.dirname;
  for (;;) {
    if (existsSync(path.join(dir, 'admin', 'index.html')) && existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(import.meta.dirname, '../..');
    dir = parent;
  }
}

export const ADMIN_DIST = path.join(repositoryRoot(), 'admin', 'dist');

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tastegraph console not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The admin console is not built</h1>
<p>Its assets are built from <code>admin/</code> into <code>admin/dist</code> by <code>npm run admin:build</code>
(<code>npm ci</code> and <code>npm install</code> run it). Build them, then reload this page; the server need not restart.</p>
</body></html>`;

/** Mounts /admin; returns whether the built console was found at start (for the start-up log line). */
export function mountAdmin(app: Express, dist = ADMIN_DIST): boolean {
  // Hashed asset names: cache for long. index.html is read per request so a rebuild shows without a restart.
  app.use(
    '/admin/assets',
    express.static(path.join(dist, 'assets'), { immutable: true, maxAge: '1y' }),
    (_req, res) => void res.status(404).end(),
  );
  app.get(['/admin', '/admin/{*rest}'], (_req, res) => {
    const index = path.join(dist, 'index.html');
    if (!existsSync(index)) return void res.status(503).type('html').send(NOT_BUILT);
    res.set('cache-control', 'no-cache').type('html').send(readFileSync(index, 'utf8'));
  });
  return existsSync(path.join(dist, 'index.html'));
}
