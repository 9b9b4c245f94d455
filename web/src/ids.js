// Two token-id lists are the same run's input when they hold the same ids in the same order.
export const sameIds = (a, b) =>
  Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);
