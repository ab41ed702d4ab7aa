// schema.graphql is generated from the code and committed: fail when it is stale. The two Prisma schemas
// must declare identical models, because one store implementation serves both.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printTastegraphSchema, SCHEMA_FILE } from '../../src/cli/emitSchema.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('schema.graphql', () => {
  it('matches what the type-graphql classes emit (run `npm run schema:emit` after changing them)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await printTastegraphSchema());
  });

  it('contains every name of the public surface', () => {
    const sdl = readFileSync(SCHEMA_FILE, 'utf8');
    const names = [
      'user(id: ID!): User',
      'users(after: String, first: Int): UserConnection!',
      'item(id: ID!): Item',
      'items(after: String, category: String, first: Int): ItemConnection!',
      'upsertItems(items: [ItemInput!]!): UpsertItemsPayload!',
      'upsertUser(input: UserInput!): User!',
      'recordBehavior(input: BehaviorInput!): RecordBehaviorPayload!',
      'recordBehaviors(inputs: [BehaviorInput!]!): RecordBehaviorsPayload!',
      'profileUpdated(userId: ID): ProfileUpdate!',
      'rebuildProfile(userId: ID!): Profile!',
      'similarItems(first: Int, itemId: ID!): [Recommendation!]!',
      'profile(asOf: DateTime): Profile',
      'profileHistory(after: String, first: Int): ProfileVersionConnection!',
      'behaviors(after: String, first: Int): BehaviorConnection!',
      'facets(kind: String): [FacetWeight!]!',
      'interests: [Interest!]!',
      'enum BehaviorType',
      'ADD_TO_CART',
      'DISLIKE',
      'type PageInfo',
      'endCursor: String',
      'hasNextPage: Boolean!',
      'totalCount: Int!',
      'input RecommendationFilter',
      'excludeCategories: [String!]',
      'excludeItemIds: [ID!]',
      'priceMax: Float',
      'priceMin: Float',
      'type Reason',
      'kind: ReasonKind!',
      'duplicate: Boolean!',
      'type ProfileVersion',
      'type FacetWeight',
      'type Interest',
    ];
    for (const name of names) expect(sdl, name).toContain(name);
    const user = buildSchema(sdl).getType('User') as GraphQLObjectType;
    const recs = user.getFields().recommendations!;
    expect(String(recs.type)).toBe('[Recommendation!]!');
    const args = Object.fromEntries(
      recs.args.map((a) => [
        a.name,
        `${String(a.type)}${a.defaultValue !== undefined ? ` = ${String(a.defaultValue)}` : ''}`,
      ]),
    );
    expect(args).toMatchObject({ first: 'Int = 10', filter: 'RecommendationFilter' });
  });
});

describe('Prisma schemas', () => {
  const models = (provider: string) =>
    readFileSync(path.join(ROOT, 'prisma', provider, 'schema.prisma'), 'utf8')
      .split(/^model /m)
      .slice(1)
      .join('model ');

  it('declare identical models for SQLite and PostgreSQL', () => {
    expect(models('sqlite')).toBe(models('postgresql'));
    expect(models('sqlite')).toContain('ProfileVersion');
  });

  it('have a migration for every model in both providers', () => {
    for (const provider of ['sqlite', 'postgresql']) {
      const sql = readFileSync(
        path.join(ROOT, 'prisma', provider, 'migrations', '20261125120000_init', 'migration.sql'),
        'utf8',
      );
      for (const table of ['User', 'Item', 'Behavior', 'Profile', 'ProfileVersion'])
        expect(sql).toContain(`CREATE TABLE "${table}"`);
    }
  });
});
