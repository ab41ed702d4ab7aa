// GraphiQL served by the server itself, its assets from node_modules: Apollo's default landing page loads from
// a CDN and stays blank offline. Subscriptions go over graphql-ws on the same path.
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Express } from 'express';
import type express from 'express';

const require = createRequire(import.meta.url);

const EXAMPLE = `# Tastegraph: living, versioned, explained user profiles.
# Try these in order (the variables pane is below). Subscriptions need a second tab.

mutation AddItems {
  upsertItems(items: [
    { id: "m1", title: "Star Wars (1977)", category: "Sci-Fi", tags: ["space", "adventure"], description: "Rebels fight the Empire across the galaxy." }
    { id: "m2", title: "Alien (1979)", category: "Sci-Fi", tags: ["space", "horror"], description: "A crew is hunted by a deadly alien aboard their ship." }
    { id: "m3", title: "Planet Earth (2006)", category: "Documentary", tags: ["nature"], description: "Wildlife across the planet." }
  ]) { count }
}

mutation Watch {
  recordBehavior(input: { userId: "alice", itemId: "m1", type: PURCHASE }) {
    duplicate
    profile { version summary interests { label weight } facets(kind: "category") { value weight } }
  }
}

query Alice {
  user(id: "alice") {
    profile { version eventCount summary drift }
    recommendations(first: 5) { item { id title } score reasons { kind text } }
    profileHistory(first: 5) { totalCount edges { node { version drift changedFacets { kind value delta } } } }
  }
}

subscription Live {
  profileUpdated(userId: "alice") { userId version drift changedFacets { kind value delta } profile { summary } }
}
`;

function page(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<title>Tastegraph GraphiQL</title>
<link rel="stylesheet" href="/graphiql/assets/graphiql.min.css" />
<style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/assets/react.production.min.js"></script>
<script src="/graphiql/assets/react-dom.production.min.js"></script>
<script src="/graphiql/assets/graphiql.min.js"></script>
<script>
  const httpUrl = location.origin + '/graphql';
  const wsUrl = httpUrl.replace(/^http/, 'ws');
  // A minimal graphql-transport-ws client: one socket per subscription, enough for a playground.
  function subscribe(params, headers) {
    const queue = [];
    let notify = null, done = false;
    const push = (v) => { queue.push(v); if (notify) { notify(); notify = null; } };
    const ws = new WebSocket(wsUrl, 'graphql-transport-ws');
    ws.onopen = () => ws.send(JSON.stringify({ type: 'connection_init', payload: headers && headers.Authorization ? { authorization: headers.Authorization } : {} }));
    ws.onmessage = (m) => {
      const msg = JSON.parse(m.data);
      if (msg.type === 'connection_ack') ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: params }));
      else if (msg.type === 'next') push({ value: msg.payload });
      else if (msg.type === 'error') { push({ value: { errors: msg.payload } }); done = true; }
      else if (msg.type === 'complete') { done = true; push(null); }
    };
    ws.onclose = () => { done = true; push(null); };
    return {
      [Symbol.asyncIterator]() { return this; },
      async next() {
        while (!queue.length) { if (done) return { done: true, value: undefined }; await new Promise((r) => (notify = r)); }
        const item = queue.shift();
        return item ? { done: false, value: item.value } : { done: true, value: undefined };
      },
      async return() { ws.close(); return { done: true, value: undefined }; },
    };
  }
  // Headers from GraphiQL's headers pane, e.g. {"Authorization": "Bearer <API_KEY>"} when the server has API_KEY.
  async function fetcher(params, opts) {
    const headers = (opts && opts.headers) || {};
    if (/^\\s*subscription\\b/m.test(params.query) && (!params.operationName || new RegExp('subscription\\\\s+' + params.operationName + '\\\\b').test(params.query))) {
      return subscribe(params, headers);
    }
    const res = await fetch(httpUrl, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(params) });
    return res.json();
  }
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(EXAMPLE)}, defaultEditorToolsVisibility: true })
  );
</script>
</body>
</html>`;
}

export function mountGraphiQL(app: Express): void {
  const assets: Record<string, string> = {
    'graphiql.min.css': require.resolve('graphiql/graphiql.min.css'),
    'graphiql.min.js': require.resolve('graphiql/graphiql.min.js'),
    'react.production.min.js': path.join(
      path.dirname(require.resolve('react/package.json')),
      'umd/react.production.min.js',
    ),
    'react-dom.production.min.js': path.join(
      path.dirname(require.resolve('react-dom/package.json')),
      'umd/react-dom.production.min.js',
    ),
  };
  app.get('/graphiql/assets/:file', (req, res) => {
    const file = assets[req.params.file];
    if (!file) return void res.status(404).end();
    res.sendFile(file, { maxAge: '1d' });
  });
  const html = page();
  const serve: express.RequestHandler = (req, res, next) => {
    // Browsers asking for HTML get the playground; GraphQL clients (GET with ?query=) go on to Apollo.
    if (
      req.method === 'GET' &&
      req.query.query === undefined &&
      req.accepts(['application/json', 'text/html']) === 'text/html'
    ) {
      res.type('html').send(html);
      return;
    }
    next();
  };
  app.get('/graphql', serve);
  app.get('/graphiql', (_req, res) => res.type('html').send(html));
}
