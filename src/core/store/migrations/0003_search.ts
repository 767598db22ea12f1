// Indexes for searching runs by metric, param and tag values across runs (the filter language), and for
// the default newest-first order.
export default `
CREATE INDEX latest_metrics_by_key ON latest_metrics(key, value);
CREATE INDEX run_params_by_key ON run_params(key, value);
CREATE INDEX run_tags_by_key ON run_tags(key, value);
CREATE INDEX runs_by_start ON runs(start_ms DESC);
`;
