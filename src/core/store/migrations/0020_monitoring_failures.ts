// The months of a timeline that could not be monitored (an unreadable file, another kind of trip file, no
// trips), with the reason: the other months went on, and the timeline shows these as failed beside them.
export default `
CREATE TABLE monitoring_failures (
  job_id TEXT NOT NULL,
  path TEXT NOT NULL,
  file_name TEXT NOT NULL,
  month TEXT,
  code TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX monitoring_failures_by_job ON monitoring_failures(job_id);
`;
