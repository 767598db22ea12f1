// The tree every grower produces and every predictor reads; its own file so predicting needs no grower.

/** A tree as flat arrays: feature −1 marks a leaf whose `value` is the prediction. */
export interface Tree {
  feature: number[];
  /** category key (go left when equal) or number threshold (go left when ≤); leaf: prediction */
  value: number[];
  left: number[];
  right: number[];
}
