// `npm run encoder:reembed`: re-embeds every item whose stored vector came from another encoder than the
// configured one. Safe to stop and re-run: each batch is committed with the new encoder id.
import { loadConfig } from '../config.js';
import { createServices } from '../services/index.js';

const config = loadConfig();
// This job does the work itself, in the foreground.
const services = await createServices({ ...config, encoder: { ...config.encoder, reembedOnStart: false } }, (m) =>
  console.error(m),
);
const started = Date.now();
const done = await services.catalog.reembed(({ done, total }) => {
  const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
  process.stderr.write(
    `\rre-embedded ${done}/${total} items (${rate.toFixed(0)}/s, ~${((total - done) / Math.max(rate, 1e-9)).toFixed(0)} s left)   `,
  );
});
process.stderr.write('\n');
console.log(
  done
    ? `re-embedded ${done} items with ${services.encoder.encoder.id}`
    : `all items already use ${services.encoder.encoder.id}`,
);
await services.close();
