// A saved pipeline's schedule counts from `schedule_from_ms` (when the schedule was saved or last changed), so
// last_fire_ms can mean what it says: the last time the schedule really fired, NULL until it has. Before this,
// a save wrote its own time into last_fire_ms as the catch-up anchor, and the Schedules table showed a fire
// that never happened. The old anchor (last fire, else creation) becomes schedule_from_ms, so catch-up fires
// exactly as before; a last_fire_ms with no scheduled flow run created at or after it was a save's, not a fire.
export default `
ALTER TABLE pipelines ADD COLUMN schedule_from_ms INTEGER;
UPDATE pipelines SET schedule_from_ms = COALESCE(last_fire_ms, created_ms) WHERE schedule IS NOT NULL;
UPDATE pipelines SET last_fire_ms = NULL
  WHERE last_fire_ms IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM pipeline_runs r WHERE r.pipeline = pipelines.name AND r.trigger = 'schedule' AND r.created_ms >= pipelines.last_fire_ms);
`;
