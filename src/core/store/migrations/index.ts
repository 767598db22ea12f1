// The known migrations, in order. Numbers are never reused or renumbered; a database that lists one we do
// not know was written by a newer Meter and is refused.
import m0001 from './0001_tracking';
import m0002 from './0002_datasets';
import m0003 from './0003_search';
import m0004 from './0004_registry';
import m0005 from './0005_scoring';
import m0006 from './0006_param_names';
import m0007 from './0007_monitoring';
import m0008 from './0008_pipelines';
import m0009 from './0009_mlflow';
import m0010 from './0010_gbt_names';
import m0011 from './0011_compact_tracking';
import m0012 from './0012_run_keys';
import m0013 from './0013_run_inputs_many';
import m0014 from './0014_mlflow_push';
import m0016 from './0016_mlflow_push_lease';
import m0017 from './0017_push_lease_pid_start';
import m0018 from './0018_schedule_anchor';
import m0020 from './0020_monitoring_failures';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** rebuilds big tables: compact the file (VACUUM) once the upgrade is committed */
  vacuum?: boolean;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '0001_tracking', sql: m0001 },
  { version: 2, name: '0002_datasets', sql: m0002 },
  { version: 3, name: '0003_search', sql: m0003 },
  { version: 4, name: '0004_registry', sql: m0004 },
  { version: 5, name: '0005_scoring', sql: m0005 },
  { version: 6, name: '0006_param_names', sql: m0006 },
  { version: 7, name: '0007_monitoring', sql: m0007 },
  { version: 8, name: '0008_pipelines', sql: m0008 },
  { version: 9, name: '0009_mlflow', sql: m0009 },
  { version: 10, name: '0010_gbt_names', sql: m0010 },
  { version: 11, name: '0011_compact_tracking', sql: m0011 },
  { version: 12, name: '0012_run_keys', sql: m0012, vacuum: true },
  { version: 13, name: '0013_run_inputs_many', sql: m0013 },
  { version: 14, name: '0014_mlflow_push', sql: m0014 },
  { version: 16, name: '0016_mlflow_push_lease', sql: m0016 },
  { version: 17, name: '0017_push_lease_pid_start', sql: m0017 },
  { version: 18, name: '0018_schedule_anchor', sql: m0018 },
  { version: 20, name: '0020_monitoring_failures', sql: m0020 },
];
