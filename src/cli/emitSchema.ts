// `npm run schema:emit`: writes schema.graphql from the type-graphql classes (a test fails when it is stale).
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPubSub } from '@graphql-yoga/subscription';
import { printSchema, lexicographicSortSchema } from 'graphql';
import { buildTastegraphSchema } from '../resolvers/schema.js';

export const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schema.graphql');

export async function printTastegraphSchema(): Promise<string> {
  const schema = await buildTastegraphSchema(createPubSub());
  return `# Generated from the type-graphql classes in src/resolvers by \`npm run schema:emit\`. Do not edit.\n\n${printSchema(lexicographicSortSchema(schema))}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_FILE, await printTastegraphSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
