// Indexes for searching runs by metric, param and tag values across runs (the filter language), and for
// the default newest-first order. They cover run_id, so a filter on one key reads only the index.
export default `
CREATE INDEX latest_metrics_by_key ON latest_metrics(key, value, run_id);
CREATE INDEX run_params_by_key ON run_params(key, value, run_id);
CREATE INDEX run_tags_by_key ON run_tags(key, value, run_id);
CREATE INDEX runs_by_start ON runs(start_ms DESC);
`;
