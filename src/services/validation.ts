// Checks every client input before anything is written; each failure is BAD_USER_INPUT naming the field.
import { randomUUID } from 'node:crypto';
import {
  BEHAVIOR_TYPES,
  type BehaviorType,
  type NewBehaviorEvent,
  type RecommendationFilter,
} from '../domain/types.js';
import type { Limits } from '../config.js';
import { badInput } from './errors.js';

/** A behaviour event as a client sends it (the GraphQL input's shape), untrusted until validateBehavior. */
export interface BehaviorInputData {
  eventId?: string | null;
  userId: string;
  itemId?: string | null;
  type: BehaviorType;
  value?: number | null;
  text?: string | null;
  occurredAt?: Date | null;
}

export interface ItemInputData {
  id: string;
  title: string;
  description?: string | null;
  category?: string | null;
  tags?: string[] | null;
  brand?: string | null;
  price?: number | null;
  attributes?: Record<string, unknown> | null;
}

export interface UserInputData {
  id: string;
  attributes?: Record<string, unknown> | null;
  onboardingText?: string | null;
}

const TYPES_NEEDING_ITEM = new Set<BehaviorType>([
  'VIEW',
  'CLICK',
  'ADD_TO_CART',
  'PURCHASE',
  'RATE',
  'FAVORITE',
  'SHARE',
  'SKIP',
  'DISLIKE',
]);
const MAX_ATTRIBUTES_JSON = 16_384;

export function checkId(field: string, id: unknown, limits: Limits): string {
  if (typeof id !== 'string' || id.trim() === '') throw badInput(field, 'must be a non-empty id');
  if (id.length > limits.maxIdLength) throw badInput(field, `must be at most ${limits.maxIdLength} characters`);
  // Control characters in ids break logs and cursors.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(id)) throw badInput(field, 'must not contain control characters');
  return id;
}

function checkText(
  field: string,
  text: string | null | undefined,
  limits: Limits,
  max = limits.maxTextLength,
): string | null {
  if (text === null || text === undefined) return null;
  if (typeof text !== 'string') throw badInput(field, 'must be a string');
  if (text.length > max) throw badInput(field, `must be at most ${max} characters`);
  return text;
}

function checkFinite(field: string, v: number | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badInput(field, 'must be a finite number');
  return v;
}

function checkAttributes(
  field: string,
  attrs: Record<string, unknown> | null | undefined,
): Record<string, unknown> | null | undefined {
  if (attrs === null || attrs === undefined) return attrs;
  if (typeof attrs !== 'object' || Array.isArray(attrs)) throw badInput(field, 'must be a JSON object');
  if (JSON.stringify(attrs).length > MAX_ATTRIBUTES_JSON)
    throw badInput(field, `must serialise to at most ${MAX_ATTRIBUTES_JSON} characters`);
  return attrs;
}

export function checkBatch<T>(field: string, inputs: T[], limits: Limits): T[] {
  if (!Array.isArray(inputs) || inputs.length === 0) throw badInput(field, 'must hold at least one input');
  if (inputs.length > limits.maxBatchSize) throw badInput(field, `must hold at most ${limits.maxBatchSize} inputs`);
  return inputs;
}

export function validateBehavior(
  input: BehaviorInputData,
  limits: Limits,
  now: number,
  field = 'input',
): NewBehaviorEvent {
  const userId = checkId(`${field}.userId`, input.userId, limits);
  const eventId =
    input.eventId === null || input.eventId === undefined
      ? randomUUID()
      : checkId(`${field}.eventId`, input.eventId, limits);
  if (!(BEHAVIOR_TYPES as readonly string[]).includes(input.type))
    throw badInput(`${field}.type`, `must be one of ${BEHAVIOR_TYPES.join(', ')}`);
  const itemId =
    input.itemId === null || input.itemId === undefined ? null : checkId(`${field}.itemId`, input.itemId, limits);
  if (itemId === null && TYPES_NEEDING_ITEM.has(input.type))
    throw badInput(`${field}.itemId`, `is required for ${input.type}`);
  const value = checkFinite(`${field}.value`, input.value);
  if (input.type === 'RATE') {
    if (value === null) throw badInput(`${field}.value`, 'is required for RATE');
    if (value < limits.ratingMin || value > limits.ratingMax)
      throw badInput(`${field}.value`, `must be a rating between ${limits.ratingMin} and ${limits.ratingMax}`);
  } else if (value !== null && (value < 0 || value > 1000)) {
    throw badInput(`${field}.value`, 'must be a weight between 0 and 1000');
  }
  const text = checkText(`${field}.text`, input.text, limits);
  if (input.type === 'REVIEW' && !text?.trim() && itemId === null)
    throw badInput(`${field}.text`, 'is required for a REVIEW without an item');
  const occurredAt = checkOccurredAt(`${field}.occurredAt`, input.occurredAt, limits, now);
  return { eventId, userId, itemId, type: input.type, value, text, occurredAt };
}

/** An event time (epoch ms): `now` when absent; not before 1970 nor further ahead than the allowed skew. */
export function checkOccurredAt(field: string, at: Date | null | undefined, limits: Limits, now: number): number {
  if (at === null || at === undefined) return now;
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw badInput(field, 'must be a valid date-time');
  if (at.getTime() > now + limits.futureSkewMs)
    throw badInput(field, `must not be more than ${limits.futureSkewMs / 1000} s in the future`);
  if (at.getTime() < Date.UTC(1970, 0, 1)) throw badInput(field, 'must not be before 1970');
  return at.getTime();
}

export function validateItem(
  input: ItemInputData,
  limits: Limits,
  field: string,
): Required<ItemInputData> & { tags: string[]; attributes: Record<string, unknown> } {
  const id = checkId(`${field}.id`, input.id, limits);
  if (typeof input.title !== 'string' || !input.title.trim())
    throw badInput(`${field}.title`, 'must be a non-empty string');
  const title = checkText(`${field}.title`, input.title, limits, 1000)!;
  const tags = input.tags ?? [];
  if (tags.length > 100) throw badInput(`${field}.tags`, 'must hold at most 100 tags');
  tags.forEach((t, i) => {
    if (typeof t !== 'string' || !t.trim() || t.length > 200)
      throw badInput(`${field}.tags[${i}]`, 'must be a non-empty string of at most 200 characters');
  });
  const price = checkFinite(`${field}.price`, input.price);
  if (price !== null && price < 0) throw badInput(`${field}.price`, 'must not be negative');
  return {
    id,
    title,
    description: checkText(`${field}.description`, input.description, limits),
    category: checkText(`${field}.category`, input.category, limits, 200),
    tags,
    brand: checkText(`${field}.brand`, input.brand, limits, 200),
    price,
    attributes: checkAttributes(`${field}.attributes`, input.attributes) ?? {},
  };
}

export function validateUser(input: UserInputData, limits: Limits, field = 'input'): UserInputData {
  return {
    id: checkId(`${field}.id`, input.id, limits),
    attributes: checkAttributes(`${field}.attributes`, input.attributes),
    onboardingText:
      input.onboardingText === undefined
        ? undefined
        : checkText(`${field}.onboardingText`, input.onboardingText, limits),
  };
}

export function checkFirst(field: string, first: number | null | undefined, fallback: number, max: number): number {
  if (first === null || first === undefined) return Math.min(fallback, max);
  if (!Number.isInteger(first) || first < 0) throw badInput(field, 'must be a non-negative integer');
  if (first > max) throw badInput(field, `must be at most ${max}`);
  return first;
}

export interface FilterInputData {
  categories?: string[] | null;
  excludeCategories?: string[] | null;
  priceMin?: number | null;
  priceMax?: number | null;
  excludeItemIds?: string[] | null;
}

export function validateFilter(
  filter: FilterInputData | null | undefined,
  limits: Limits,
): RecommendationFilter | undefined {
  if (!filter) return undefined;
  const priceMin = checkFinite('filter.priceMin', filter.priceMin) ?? undefined;
  const priceMax = checkFinite('filter.priceMax', filter.priceMax) ?? undefined;
  if (priceMin !== undefined && priceMax !== undefined && priceMin > priceMax)
    throw badInput('filter.priceMin', 'must not exceed priceMax');
  for (const key of ['categories', 'excludeCategories', 'excludeItemIds'] as const) {
    const list = filter[key];
    if (list && list.length > limits.maxBatchSize)
      throw badInput(`filter.${key}`, `must hold at most ${limits.maxBatchSize} values`);
  }
  return {
    categories: filter.categories ?? undefined,
    excludeCategories: filter.excludeCategories ?? undefined,
    priceMin,
    priceMax,
    excludeItemIds: filter.excludeItemIds ?? undefined,
  };
}
