// Types for vader-sentiment (Apache-2.0; the JavaScript port of VADER by the vaderSentiment project), which ships none.
declare module 'vader-sentiment' {
  export const SentimentIntensityAnalyzer: {
    polarity_scores(text: string): { neg: number; neu: number; pos: number; compound: number };
  };
}
