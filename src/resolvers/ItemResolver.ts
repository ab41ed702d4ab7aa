import { Arg, Authorized, Ctx, FieldResolver, Float, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { checkFirst, checkBatch } from '../services/validation.js';
import type { ItemRow } from '../store/types.js';
import type { Context } from './context.js';
import { ItemConnection, toConnection, type Connection } from './connections.js';
import { ItemInput } from './inputs.js';
import { DeleteItemsPayload, UpsertItemsPayload } from './payloads.js';
import { Item, ItemInteractions, Recommendation } from './types.js';
import type { ItemInteractions as ItemInteractionsData } from '../services/catalogService.js';
import { afterKey } from './paging.js';
import { policies } from './policies.js';

@Resolver(() => Item)
export class ItemResolver {
  @Query(() => Item, { nullable: true })
  async item(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ItemRow | null> {
    return ctx.loaders.item.load(id);
  }

  @Query(() => ItemConnection)
  async items(
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('category', () => String, { nullable: true }) category: string | null,
    @Ctx() { services }: Context,
  ): Promise<Connection<ItemRow>> {
    const limits = services.config.limits;
    const n = checkFirst('first', first, 20, limits.maxPageSize);
    const page = await services.catalog.listItems(n, afterKey('after', after), category);
    return toConnection(page, (r) => r.id);
  }

  @Query(() => [Recommendation], { description: 'Items like this one: content neighbours blended with co-visitation.' })
  async similarItems(
    @Arg('itemId', () => ID) itemId: string,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Ctx() { services }: Context,
  ) {
    const n = checkFirst('first', first, 10, services.config.limits.maxRecommendations);
    return services.recommendations.similarItems(itemId, n);
  }

  @Authorized(policies.writeCatalogue)
  @Mutation(() => UpsertItemsPayload, {
    description: 'Creates or replaces items; their vectors are computed in batches.',
  })
  async upsertItems(
    @Arg('items', () => [ItemInput]) items: ItemInput[],
    @Ctx() { services }: Context,
  ): Promise<{ items: ItemRow[]; count: number }> {
    checkBatch('items', items, services.config.limits);
    const rows = await services.catalog.upsertItems(items);
    return { items: rows, count: rows.length };
  }

  @Authorized(policies.deleteItems)
  @Mutation(() => DeleteItemsPayload, {
    description: 'Removes items from the catalogue and the index; behaviours about them stay in the log.',
  })
  async deleteItems(@Arg('ids', () => [ID]) ids: string[], @Ctx() { services }: Context): Promise<DeleteItemsPayload> {
    const deletedIds = await services.catalog.deleteItems(ids);
    return { deletedIds, count: deletedIds.length };
  }

  @Authorized(policies.itemInteractions)
  @FieldResolver(() => ItemInteractions, { description: 'Who interacts with this item, as counts only (admin only).' })
  interactions(@Root() item: ItemRow, @Ctx() { services }: Context): Promise<ItemInteractionsData> {
    return services.catalog.interactions(item.id);
  }

  @FieldResolver(() => [Float], { nullable: true, description: 'The stored vector; only sent when asked for.' })
  embedding(@Root() item: ItemRow): number[] | null {
    return item.embedding ? Array.from(item.embedding) : null;
  }
}
