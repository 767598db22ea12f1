// `meter` entry: global options, command dispatch, exit codes from the error table. Errors print one line.
import { openCore } from '../core/context';
import { createLocalClient } from '../core/api/local-client';
import { EXIT_CODES, MeterError, toErrorData } from '../shared/errors';
import { uiCommand } from './ui-command';
import { serveCommand } from './serve-command';
import { mlflowCommand } from './mlflow-command';
import { runCommand, trainCommand, type Io } from './commands';
import { importCommand } from './import-command';
import { experimentsCommand, runsCommand } from './runs-commands';
import { exportCommand, modelsCommand, registerCommand } from './models-commands';
import { scoreCommand } from './score-command';
import { driftCommand, monitorCommand } from './drift-command';
import { tuneCommand } from './tune-command';
import { pipelineCommand } from './pipeline-command';
import { apiCommand } from './api-command';
import { MODEL_KINDS } from '../shared/domain';
import { paramsHelp } from '../shared/model-params';

const HELP = `meter — offline MLOps workbench for NYC taxi trip-duration models

Usage: meter <command> [options]

Commands:
  import FILE…                 check TLC trip parquet files and record them (schema report); each file on its own:
                               a refused one is named with its reason, the others recorded (exit non-zero)
  train [options]              train a model in a worker thread and track the run
      --train F… --val F… [--test F…]   parquet files or globs, several per role, one kind each, e.g.
                                     --train 'data/yellow_tripdata_2023-0[1-9].parquet' (default: the sample months)
      --model ${MODEL_KINDS.join('|')}   (default linear; rf = random forest, gbt = gradient-boosted trees)
      --alpha A | --param k=v        model parameters, with their defaults:
${paramsHelp().map((line) => `        ${line}`).join('\n')}
      --features basic|pu_do         PU + DO one-hot, or the PU_DO pair (default basic); + trip_distance
      --experiment NAME --name RUN   (default experiment "Default")
  tune --train F --val F [--model gbt|rf|ridge|lasso] [--algo tpe|random] [--trials N] [--parallel K]
       [--space space.json] [--seed S] [--time-budget SEC] [--experiment NAME] [--prune]
                               hyper-parameter search: a search run with one child run per trial;
                               --prune stops trials worse than the median at the same boosting round
  tune --resume SEARCH_RUN_ID --trials N   N more trials of an ended search (TPE goes on from its trials)
  runs [options]               search runs (newest first by default)
      --filter "metrics.rmse_val < 6.5 and params.model = 'ridge'"   MLflow syntax + OR, (), NOT, IN, IS NULL
      --order-by "metrics.rmse_val ASC, params.alpha DESC"
      --experiment NAME (repeatable) --limit N --offset N --deleted (the trash) --all
  run show RUN_ID              a run's params, metrics, inputs, artifacts
  run rename RUN_ID NAME | tag RUN_ID KEY VALUE | untag RUN_ID KEY
  run delete RUN_ID… | restore RUN_ID… | purge RUN_ID… --yes   trash, restore, or delete for good (with artifacts)
  experiments [--all]          list experiments (--all: with archived ones)
  experiments rename NAME NEW | archive NAME | restore NAME
  register RUN_ID --name NAME  register a run's model as the next version of NAME
  models list | show NAME      registered models; versions, aliases, alias history
  models alias NAME ALIAS VERSION | unalias NAME ALIAS | rollback NAME ALIAS
  models resolve URI           models:/NAME@ALIAS, models:/NAME/VERSION, models:/NAME/latest, runs:/RUN_ID/model
  score --model URI --input F [--input F…] [--output DIR]   predictions parquet per input, INPUT.MODEL-vN.predictions.parquet
                               (default DIR: HOME/predictions); an existing file is never replaced: the new one is '… (2).parquet'
  drift --model URI --current F… [--reference F] [--method COLUMN=METHOD …] [--html OUT.html]
                               drift of a version's inputs and predictions against its training data (Evidently's tests)
  monitor --model URI --current F|FOLDER…   a timeline: one drift report per month
  export URI --out DIR         a deployable service: model, server.js (POST /predict, GET /health), Dockerfile, README
  pipeline run FILE.json --month YYYY-MM|previous   the monthly retrain flow, once: load, features, train (M-2),
                               evaluate (M-1), register, promote @champion if better; retries, cache
                               (saves no pipeline and no schedule)
  pipeline backfill FILE.json --from YYYY-MM --to YYYY-MM   one flow run per month; resumable
  pipeline runs | show FLOW_RUN_ID | rerun FLOW_RUN_ID [--from STEP] | schedule FILE.json (crontab/systemd lines)
  pipeline save FILE.json [--replace]   save it in this home: its "schedule" fires while Meter runs (the app,
                               meter ui); a name saved with another spec is refused, naming the difference
  ui [--port N]                browser mode: the app's screens on http://127.0.0.1 with a session token
  serve [--port N] [--host ADDR --token T]   the same server, headless: prints MLFLOW_TRACKING_URI and
                               MLFLOW_TRACKING_TOKEN for MLflow's clients (--host needs --token or METER_TOKEN)
  push --to URI (--all | --experiment NAME… | --runs FILTER | --run ID… | --models NAME…) [--token T | --user U --password P] [--dry-run] [--json]
                               runs (params, metric history, tags, artifacts) and registered models with
                               their aliases into an MLflow tracking server (a search's trials nest under
                               its run there, which goes along); pushing again sends only what is
                               missing (an interrupted push resumes); 429/5xx are retried with backoff;
                               --json prints {experiments, runs, metrics, artifacts, models, versions, skipped, errors}
  pull --from URI (--all | --experiment NAME… | --run ID… | --model NAME…) [--token T | --user U --password P] [--dry-run] [--json]
                               an MLflow server's runs (with artifacts) and registered models into Meter;
                               pushed back to that server later, they are its runs again (nothing sent twice)
  import-mlflow sqlite:///mlflow.db|./mlruns [--artifacts DIR] [--dry-run] [--json]
                               everything in an MLflow store on disk (SQLite or file store), no server needed;
                               --dry-run lists what would come (runs, metric points, artifact files, versions)
                               (also spelt: mlflow push …, mlflow import --from …)
  api [METHOD [JSON]]          list every method of Meter's contract, or call one (prints JSON)

Options for every command:
  --home DIR   Meter's data folder (default: the OS app-data folder "Meter"; env METER_HOME)
  --json       machine-readable output on stdout
`;

/** One command's lines of the help (its usage and what follows it), and the options every command takes. */
export function helpFor(command: string): string {
  const lines = HELP.split('\n');
  const mine: string[] = [];
  let inside = false;
  for (const line of lines) {
    if (/^ {2}\S/.test(line)) inside = line.slice(2).split(/\s/)[0] === command;
    else if (!/^ {3,}\S/.test(line)) inside = false;
    if (inside) mine.push(line);
  }
  if (mine.length === 0) return HELP;
  const common = lines.slice(lines.findIndex((l) => l.startsWith('Options for every command:')));
  return `${mine.join('\n')}\n\n${common.join('\n')}`;
}

function splitGlobal(argv: string[]): { home?: string; rest: string[] } {
  const rest: string[] = [];
  let home: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--home') home = argv[++i];
    else if (argv[i].startsWith('--home=')) home = argv[i].slice(7);
    else rest.push(argv[i]);
  }
  return { home, rest };
}

async function main(argv: string[]): Promise<number> {
  const { home, rest } = splitGlobal(argv);
  const [command, ...args] = rest;
  if (!command || command === 'help' || command === '--help' || command === '-h') { process.stdout.write(args[0] ? helpFor(args[0]) : HELP); return 0; }
  if (args.includes('--help') || args.includes('-h')) { process.stdout.write(helpFor(command)); return 0; }
  const commands: Record<string, typeof importCommand> = {
    import: importCommand, train: trainCommand, runs: runsCommand, run: runCommand, experiments: experimentsCommand,
    register: registerCommand, models: modelsCommand, score: scoreCommand, drift: driftCommand, monitor: monitorCommand, export: exportCommand, tune: tuneCommand, pipeline: pipelineCommand,
    api: apiCommand,
  };
  if (command === 'ui') return uiCommand(home, args, (s) => process.stdout.write(`${s}\n`));
  if (command === 'serve') return serveCommand(home, args, (s) => process.stdout.write(`${s}\n`));
  if (command === 'mlflow') return mlflowCommand(home, args, (s) => process.stdout.write(`${s}\n`));
  // The issue's and MLflow users' spellings: push, pull (from a server), import-mlflow SOURCE (a store on disk)
  if (command === 'push') return mlflowCommand(home, ['push', ...args], (s) => process.stdout.write(`${s}\n`));
  if (command === 'pull') return mlflowCommand(home, ['import', ...args], (s) => process.stdout.write(`${s}\n`));
  if (command === 'import-mlflow') {
    const [source, ...more] = args;
    return mlflowCommand(home, source && !source.startsWith('--') ? ['import', '--from', source, ...more] : ['import', ...args], (s) => process.stdout.write(`${s}\n`));
  }
  if (command === '--version') {
    const ctx = openCore({ home });
    process.stdout.write(`${ctx.version}\n`);
    await ctx.close();
    return 0;
  }
  const fn = commands[command];
  if (!fn) throw new MeterError('INVALID_ARGUMENT', `Unknown command "${command}". Run "meter help".`);
  const ctx = openCore({ home });
  try {
    const io: Io = { out: (s) => process.stdout.write(`${s}\n`), err: process.stderr, cwd: process.cwd(), argv };
    return await fn(createLocalClient(ctx), args, io);
  } finally {
    await ctx.close();
  }
}

// `meter runs | head` closes stdout early; that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(0); throw err; });

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    const data = toErrorData(err);
    process.stderr.write(`meter: ${data.message}\n`);
    process.exitCode = EXIT_CODES[data.code];
  },
);
