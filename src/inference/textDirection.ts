// The direction every user text shares, for one encoder. Encoders that average word vectors give all texts a large
// common component: two GloVe review vectors of Amazon All Beauty have cosine 0.86, and a review sits as close to any
// item as to the one it reviews, so a review's pull moved every profile towards the same items. The profile removes
// this direction from a text's vector before the text pulls (domain/profile/textPull.ts). It is the mean of a fixed set
// of everyday sentences, of no one catalogue, encoded as queries: a deterministic function of the encoder, so a
// rebuild reads the same one (a direction learned from the log would move, and replay would no longer be exact).
import type { EncodeTexts } from './opinion/reader.js';

export const REFERENCE_TEXTS = [
  'I bought this for my son and he uses it every day.',
  'The battery lasts all week and charging is quick.',
  'It arrived late and the box was damaged, but it works.',
  'Great value for the price, I would buy it again.',
  'The story was slow at first but the ending was worth it.',
  'We watched it with the kids on a rainy Sunday afternoon.',
  'Too small for me, so I had to send it back.',
  'The coffee tastes rich and not too bitter.',
  'My wife loves it and it looks nice in the kitchen.',
  'Not what I expected from the pictures online.',
  'Easy to set up, the instructions were clear.',
  'The hotel was close to the beach and the staff were friendly.',
  'I have read all of her books and this is my favourite.',
  'The sound quality is good but the bass is a little weak.',
  'It broke after two months of normal use.',
  'Comfortable shoes, I wear them to work and on long walks.',
  'This is a classic film that everyone should see once.',
  'The recipe was simple and dinner was ready in twenty minutes.',
  'Customer service answered quickly and replaced it for free.',
  'I like science fiction, old jazz records and hiking in the mountains.',
  'The colour is darker than in the photo.',
  'It does the job, nothing special.',
  'We use it in the garden every summer.',
  'The game is fun with friends but gets boring alone.',
  'Perfect gift for a birthday, she was very happy.',
  'The fabric feels soft and it washed well.',
  'I am looking for something light to read on holiday.',
  'The app keeps crashing on my phone.',
  'Strong smell at first, but it fades after a day.',
  'Five stars, fast delivery and exactly as described.',
  'The plot has too many characters to follow.',
  'My dog would not stop playing with it.',
  'Works fine with my old laptop and the new one.',
  'A bit expensive, but the quality is there.',
  'I prefer quiet music when I am working.',
  'The size chart was accurate and it fits well.',
];

/** The mean of the reference texts' query vectors (not normalised); null when it is zero. */
export async function commonTextDirection(encode: EncodeTexts): Promise<Float32Array | null> {
  const vectors = await encode(REFERENCE_TEXTS);
  const dim = vectors[0]?.length ?? 0;
  const mean = new Float32Array(dim);
  for (const v of vectors) for (let i = 0; i < dim; i++) mean[i]! += v[i]! / vectors.length;
  return mean.some((x) => x !== 0) ? mean : null;
}
