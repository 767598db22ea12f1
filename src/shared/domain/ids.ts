// Branded ids: a RunId cannot be passed where an ExperimentId is expected, though both are strings.
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type RunId = Brand<string, 'RunId'>;
export type ExperimentId = Brand<string, 'ExperimentId'>;
export type DatasetId = Brand<string, 'DatasetId'>;
export type JobId = Brand<string, 'JobId'>;

export const asRunId = (s: string): RunId => s as RunId;
export const asExperimentId = (s: string): ExperimentId => s as ExperimentId;
export const asDatasetId = (s: string): DatasetId => s as DatasetId;
export const asJobId = (s: string): JobId => s as JobId;
