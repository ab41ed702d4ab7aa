import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// One copy of graphql: without this alias vitest can load both the CJS and ESM builds
// ("Cannot use GraphQLObjectType from another module or realm").
const graphqlPath = createRequire(import.meta.url).resolve('graphql');

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlPath }] },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
