// Row conversions between Prisma's models and the Store's rows, shared by the store's modules.
import type { PrismaClient as SqliteClient, Prisma } from '../generated/sqlite/client.js';
import type { FacetChange } from '../domain/profile/index.js';
import type { BehaviorType, NewBehaviorEvent } from '../domain/types.js';
import type { BehaviorRow, ItemRow, Page, ProfileRow, ProfileVersionRow, UserRow } from './types.js';

export type Client = SqliteClient;
export type TxClient = Prisma.TransactionClient;
export type Db = Client | TxClient;

export type UserModel = Prisma.UserModel;
export type ItemModel = Prisma.ItemModel;
export type BehaviorModel = Prisma.BehaviorModel;
export type ProfileModel = Prisma.ProfileModel;
export type ProfileVersionModel = Prisma.ProfileVersionModel;

export function vectorToBytes(v: Float32Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) as ArrayBuffer);
}

export function bytesToVector(b: Uint8Array): Float32Array {
  // Copy first: the driver's buffer may be shared or unaligned.
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
}

export function bytes(b: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
}

export function parseJsonObject(text: string | null): Record<string, unknown> {
  if (!text) return {};
  const v = JSON.parse(text) as unknown;
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** A DateTime read back by a driver: ISO 8601 with an offset or Z (SQLite's CURRENT_TIMESTAMP defaults lack one: UTC). */
export function toDate(t: unknown): Date {
  if (t instanceof Date) return t;
  const s = String(t);
  return new Date(/[zZ]|[+-]\d\d:\d\d$/.test(s) ? s : `${s.replace(' ', 'T')}Z`);
}

export const toUser = (u: UserModel): UserRow => ({
  id: u.id,
  attributes: parseJsonObject(u.attributes),
  onboardingText: u.onboardingText,
  createdAt: u.createdAt,
  updatedAt: u.updatedAt,
});

export const toItem = (i: ItemModel): ItemRow => ({
  id: i.id,
  title: i.title,
  description: i.description,
  category: i.category,
  tags: JSON.parse(i.tags) as string[],
  brand: i.brand,
  price: i.price,
  attributes: parseJsonObject(i.attributes),
  embedding: i.embedding ? bytesToVector(i.embedding) : null,
  encoderId: i.encoderId,
  createdAt: i.createdAt,
  updatedAt: i.updatedAt,
});

export const toBehavior = (b: BehaviorModel): BehaviorRow => ({
  seq: b.id,
  eventId: b.eventId,
  userId: b.userId,
  itemId: b.itemId,
  type: b.type as BehaviorType,
  value: b.value,
  text: b.text,
  opinion: b.opinion,
  occurredAt: b.occurredAt.getTime(),
  receivedAt: b.receivedAt.getTime(),
});
export const behaviorData = (e: NewBehaviorEvent) => ({ ...e, occurredAt: new Date(e.occurredAt) });

export const toProfile = (p: ProfileModel): ProfileRow => ({
  ...p,
  state: bytes(p.state),
  changedFacets: JSON.parse(p.changedFacets) as FacetChange[],
});

export const toVersion = (v: ProfileVersionModel): ProfileVersionRow => ({
  ...v,
  changedFacets: JSON.parse(v.changedFacets) as FacetChange[],
  snapshot: v.snapshot ? bytes(v.snapshot) : null,
});

export function page<T>(rows: T[], first: number): Page<T> {
  return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
}

export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Error && (err as { code?: string }).code === 'P2002';
}
