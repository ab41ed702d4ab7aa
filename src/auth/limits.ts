// How much one operation may cost, checked before execution on HTTP and WebSocket alike: tokens (graphql-js's
// parser limit), depth, aliases and directives (graphql-armor's rules), then cost (graphql-query-complexity) where
// list fields cost by their `first` and each recommendation costs more. The first limit broken is the one error.
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  visit,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import type { OperationLimits } from './config.js';
import { tooComplex } from './errors.js';

export type CheckResult =
  | { ok: true; document: DocumentNode }
  /** A limit was broken: one QUERY_TOO_COMPLEX error. */
  | { ok: false; limitError: GraphQLError }
  /** Not a limit problem: a syntax or validation error the GraphQL layer reports with its own codes. */
  | { ok: false; invalid: readonly GraphQLError[] };

/** Fields whose every element runs the recommender. */
const RECOMMENDING = new Set(['recommendations', 'similarItems']);
/** Fields that read a whole user's data at once. */
const EXPENSIVE: Record<string, number> = { export: 200 };

/**
 * Cost of a field: 1, times `first` (or its default) for lists, plus `recommendationCost` per recommendation.
 * `first` counts at most `maxFirst`: a larger one is refused as BAD_USER_INPUT naming the argument, not as cost.
 */
export function costEstimator(limits: OperationLimits, maxFirst: number): ComplexityEstimator {
  return ({ field, args, childComplexity }) => {
    const extra = EXPENSIVE[field.name];
    if (extra !== undefined) return extra + childComplexity;
    const firstArg = field.args.find((a) => a.name === 'first');
    if (!firstArg) return undefined;
    const given = args.first;
    const fallback = typeof firstArg.defaultValue === 'number' ? firstArg.defaultValue : 20;
    const n = Math.min(maxFirst, typeof given === 'number' && given > 0 ? given : fallback);
    const perElement = RECOMMENDING.has(field.name) ? limits.recommendationCost : 0;
    return 1 + n * (perElement + Math.max(1, childComplexity));
  };
}

/** How many valid operation texts the checker keeps parsed (a deployment's clients send a few dozen). */
const VALID_DOCUMENTS_KEPT = 500;

/** Costs kept per valid document, by the values of the variables its cost can depend on. */
const COSTS_KEPT_PER_DOCUMENT = 64;

export interface OperationChecker {
  /**
   * `costOnly`: the caller lets the GraphQL layer validate the variables (HTTP: Apollo coerces them and answers with
   * its codes), so a cost already computed for the same document and the same cost-bearing variables is reused
   * instead of coercing every variable again (a 500-event recordBehaviors was ~3% of ingest CPU coerced twice).
   */
  check(
    source: unknown,
    variables?: Record<string, unknown> | null,
    operationName?: string | null,
    costOnly?: boolean,
  ): CheckResult;
  /** Spec validation (plus no introspection in production), for transports that validate themselves. */
  readonly validationRules: readonly ValidationRule[];
}

export function createOperationChecker(
  schema: GraphQLSchema,
  limits: OperationLimits,
  production: boolean,
  maxFirst: number,
): OperationChecker {
  const armor = { exposeLimits: true, propagateOnRejection: true } as const;
  const shapeRules: Array<[string, number, ValidationRule]> = [
    [
      'depth',
      limits.maxDepth,
      maxDepthRule({ ...armor, n: limits.maxDepth, flattenFragments: true }) as unknown as ValidationRule,
    ],
    ['aliases', limits.maxAliases, maxAliasesRule({ ...armor, n: limits.maxAliases }) as unknown as ValidationRule],
    [
      'directives',
      limits.maxDirectives,
      maxDirectivesRule({ ...armor, n: limits.maxDirectives }) as unknown as ValidationRule,
    ],
  ];
  const validationRules = production ? [...specifiedRules, NoSchemaIntrospectionCustomRule] : specifiedRules;
  const estimators = [costEstimator(limits, maxFirst), simpleEstimator({ defaultComplexity: 1 })];
  // Documents that passed parsing, the shape limits and spec validation, by their text: clients send the same few
  // operations again and again, and parsing plus validating each was ~5% of the server's CPU under a steady writer.
  // Cost is computed per request (it depends on the variables). Bounded, oldest first out.
  const validDocuments = new Map<string, KnownDocument>();
  const remember = (source: string, document: DocumentNode) => {
    if (validDocuments.size >= VALID_DOCUMENTS_KEPT) validDocuments.delete(validDocuments.keys().next().value!);
    const known = { document, costVariables: costVariables(document), costs: new Map<string, number>() };
    validDocuments.set(source, known);
    return known;
  };

  return {
    validationRules,
    check(source, variables, operationName, costOnly = false) {
      if (typeof source !== 'string') return { ok: false, invalid: [new GraphQLError('query must be a string')] };
      const known = validDocuments.get(source);
      return known
        ? priced(known, variables, operationName, costOnly)
        : checkNew(source, variables, operationName, costOnly);
    },
  };

  function checkNew(
    source: string,
    variables: Record<string, unknown> | null | undefined,
    operationName: string | null | undefined,
    costOnly: boolean,
  ): CheckResult {
    let document: DocumentNode;
    try {
      document = parse(source, { maxTokens: limits.maxTokens, noLocation: false });
    } catch (err) {
      const e = err as GraphQLError;
      // graphql-js 16 spells it "more that".
      if (/more tha[nt] \d+ tokens/.test(e.message)) {
        return {
          ok: false,
          limitError: tooComplex('tokens', `Token limit of ${limits.maxTokens} exceeded.`, limits.maxTokens),
        };
      }
      return { ok: false, invalid: [e] };
    }
    for (const [limit, max, rule] of shapeRules) {
      try {
        validate(schema, document, [rule]);
      } catch (err) {
        // graphql-armor rules throw their error (propagateOnRejection); its message names the limit and the count.
        return {
          ok: false,
          limitError: tooComplex(limit, (err as Error).message.replace(/^Syntax Error: /, ''), max),
        };
      }
    }
    // Cost needs a valid document (known fields, no fragment cycles): spec validation comes first.
    const invalid = validate(schema, document, validationRules, { maxErrors: 10 });
    if (invalid.length) return { ok: false, invalid };
    return priced(remember(source, document), variables, operationName, costOnly);
  }

  function priced(
    known: KnownDocument,
    variables: Record<string, unknown> | null | undefined,
    operationName: string | null | undefined,
    costOnly: boolean,
  ): CheckResult {
    const { document, costs } = known;
    const key = JSON.stringify([operationName ?? null, ...known.costVariables.map((v) => variables?.[v] ?? null)]);
    let cost = costOnly ? costs.get(key) : undefined;
    if (cost === undefined) {
      try {
        cost = getComplexity({
          schema,
          query: document,
          variables: variables ?? {},
          operationName: operationName ?? undefined,
          estimators,
        });
      } catch (err) {
        return { ok: false, invalid: [err instanceof GraphQLError ? err : new GraphQLError((err as Error).message)] };
      }
      if (costs.size >= COSTS_KEPT_PER_DOCUMENT) costs.delete(costs.keys().next().value!);
      costs.set(key, cost);
    }
    if (cost > limits.maxCost) {
      return {
        ok: false,
        limitError: tooComplex(
          'cost',
          `Query cost limit of ${limits.maxCost} exceeded, found ${cost}.`,
          limits.maxCost,
        ),
      };
    }
    return { ok: true, document };
  }
}

interface KnownDocument {
  document: DocumentNode;
  /** The variables the cost can depend on (see costVariables). */
  costVariables: string[];
  costs: Map<string, number>;
}

/**
 * The variables an operation's cost can depend on: those given to a `first` argument (the estimator's only input
 * from arguments) and to directives (`@skip`/`@include` drop a field's cost). The rest (ids, event inputs) never
 * change it.
 */
function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (node: unknown) => visit(node as DocumentNode, { Variable: (v) => void names.add(v.name.value) });
  visit(document, {
    Argument(arg) {
      if (arg.name.value === 'first') collect(arg.value);
    },
    Directive(directive) {
      for (const arg of directive.arguments ?? []) collect(arg.value);
    },
  });
  return [...names].sort();
}
