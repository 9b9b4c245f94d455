// The colours of the article's build-time figures, for the live figures that take their place
// (live-figures.js): a figure must not change colours when it goes live. The build's copy is
// build/txbuild/article/viz/common.py (VIRIDIS) and probs.py (BAR); tests/test_palette.py checks
// that both tables, and the colours interpolated between their stops, are the same.

// viridis in ten stops, 0 → 1: magnitudes (probabilities, attention weights)
export const VIRIDIS = [
  '#440154',
  '#482878',
  '#3e4989',
  '#31688e',
  '#26828e',
  '#1f9e89',
  '#35b779',
  '#6ece58',
  '#b5de2b',
  '#fde725',
];
// the probability bars: viridis' middle blue, which reads on light and dark pages
export const BAR = VIRIDIS[3];
