export {
  DEFAULT_RECOMMEND_CONFIG,
  mergeRecommendConfig,
  SOURCE_NAMES,
  type DeepPartial,
  type RecommendConfig,
  type SourceName,
} from './config.js';
export { RecommenderModel, type ItemItemScorer, type ModelItem, type RecommendRequest } from './model.js';
export { EaseScorer, fitEase, type EaseOptions } from './ease.js';
export type { CandidateRequest, CandidateSource, Observation, ScoredCandidate } from './source.js';
export type { SearchHit, SearchQuery, VectorIndex } from './vectorIndex.js';
