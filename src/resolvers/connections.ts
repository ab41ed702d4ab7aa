// Relay connections: one factory so every list pages the same way.
import { type ClassType, Field, Int, ObjectType } from 'type-graphql';
import type { CountedPage } from '../services/userService.js';
import { Behavior, Item, ProfileVersion, User } from './types.js';

@ObjectType()
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
  totalCount: number;
}

function connectionOf<T extends object>(Node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String) cursor!: string;
    @Field(() => Node) node!: T;
  }
  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    @Field(() => Int) totalCount!: number;
  }
  return ConnectionType;
}

export const UserConnection = connectionOf(User, 'User');
export const ItemConnection = connectionOf(Item, 'Item');
export const BehaviorConnection = connectionOf(Behavior, 'Behavior');
export const ProfileVersionConnection = connectionOf(ProfileVersion, 'ProfileVersion');

/** Builds a connection from a counted page of rows; cursors are opaque base64 of the row's sort key. */
export function toConnection<R>(page: CountedPage<R>, key: (r: R) => string): Connection<R> {
  const edges = page.rows.map((r) => ({ cursor: encodeCursor(key(r)), node: r }));
  const endCursor = edges.length ? edges[edges.length - 1]!.cursor : null;
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor }, totalCount: page.totalCount };
}

export function encodeCursor(key: string): string {
  return Buffer.from(`c:${key}`, 'utf8').toString('base64url');
}

/** Decodes a cursor; returns undefined for one this server did not issue. */
export function decodeCursor(cursor: string): string | undefined {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  return raw.startsWith('c:') ? raw.slice(2) : undefined;
}
