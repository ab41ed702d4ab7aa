// The profile engine: how a stream of behaviours becomes a living, versioned, explainable profile. Pure; no I/O.
export * from './config.js';
export * from './state.js';
export * from './apply.js';
export * from './interests.js';
export * from './replay.js';
export * from './tallies.js';
export * from './views.js';
export * from './valueViews.js';
export * from './social.js';
export * from './labels.js';
export * from './codec.js';
export * from './versionPlan.js';
export * from './opinion.js';
export { cosine, dot, norm, normalized } from '../vector.js';
export * from './textPull.js';
