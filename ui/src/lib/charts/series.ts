/**
 * The data a chart draws: one named list of values per series, aligned with the labels.
 */
export interface Series {
  label: string;
  values: number[];
}
