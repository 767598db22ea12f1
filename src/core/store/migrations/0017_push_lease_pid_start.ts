// A push lease names its holder's process by pid, and pids get reused: the holder's process start (boot id and
// start time, read from /proc or ps) says whether the process with that pid now is the one that took the
// lease, so a live holder on this host is never taken over by a heartbeat gone quiet (an event loop busy
// planning, a laptop asleep) and a reused pid blocks nothing. Null for rows before this and where it can't be
// read; those fall back to the heartbeat (src/core/mlflow/push-lease.ts).
export default `
ALTER TABLE mlflow_push_leases ADD COLUMN pid_start TEXT;
`;
