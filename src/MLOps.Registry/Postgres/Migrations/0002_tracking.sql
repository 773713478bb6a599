-- MLOps.Registry PostgreSQL schema, version 2: experiment tracking (PostgresExperimentTracker). Additive only: the
-- registry's tables are untouched. Runs inside the migrator's transaction, under its advisory lock; __schema__ is
-- replaced by the configured (quoted) schema. Timestamps come from the SDK's TimeProvider. Names and paths use the "C"
-- collation so ordering is ordinal, as in the file-system tracker.

CREATE TABLE __schema__.experiments (
  name       text COLLATE "C" PRIMARY KEY,
  tags       jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL
);

-- One row per run. Every write to a run first locks this row: FOR SHARE to append metric points (appenders run in
-- parallel), FOR NO KEY UPDATE for params, tags, dataset inputs and artifacts, UPDATE to end it. Ending therefore waits
-- for in-flight appends, and nothing is logged to a run after it ended.
CREATE TABLE __schema__.runs (
  run_id          uuid PRIMARY KEY,
  experiment_name text COLLATE "C" NOT NULL REFERENCES __schema__.experiments (name),
  run_name        text,
  status          smallint NOT NULL CHECK (status BETWEEN 0 AND 3),
  started_at      timestamptz NOT NULL,
  ended_at        timestamptz,
  error           text,
  CHECK ((status = 0) = (ended_at IS NULL))
);
CREATE INDEX runs_experiment_started ON __schema__.runs (experiment_name, started_at DESC, run_id);
CREATE INDEX runs_started ON __schema__.runs (started_at DESC, run_id);

-- Write-once: the primary key makes a second value for a key impossible, whatever the callers do.
CREATE TABLE __schema__.run_params (
  run_id uuid NOT NULL REFERENCES __schema__.runs (run_id),
  key    text COLLATE "C" NOT NULL,
  value  text NOT NULL,
  PRIMARY KEY (run_id, key)
);

-- No index on value: values reach 5000 characters, past a btree entry's limit (~2.7 kB). Tag filters probe the primary
-- key of each candidate run.
CREATE TABLE __schema__.run_tags (
  run_id uuid NOT NULL REFERENCES __schema__.runs (run_id),
  key    text COLLATE "C" NOT NULL,
  value  text NOT NULL,
  PRIMARY KEY (run_id, key)
);

-- Every logged point; seq is the logging order (the last tie-breaker after step and timestamp). The index serves both
-- the history of one key and the latest point per key (highest step, then latest timestamp, then last logged).
CREATE TABLE __schema__.run_metrics (
  seq    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id uuid NOT NULL REFERENCES __schema__.runs (run_id),
  key    text COLLATE "C" NOT NULL,
  value  double precision NOT NULL,
  step   bigint NOT NULL CHECK (step >= 0),
  at     timestamptz NOT NULL
);
CREATE INDEX run_metrics_key_step ON __schema__.run_metrics (run_id, key, step, at, seq);

-- The latest point of each key (what TrackedRun.Metrics shows and SearchRuns orders by), maintained by the statement that
-- appends the points: an upsert that only replaces a row by a point later in (step, at, seq) order, so the result does
-- not depend on the order concurrent appenders commit in.
CREATE TABLE __schema__.run_latest_metrics (
  run_id uuid NOT NULL REFERENCES __schema__.runs (run_id),
  key    text COLLATE "C" NOT NULL,
  value  double precision NOT NULL,
  step   bigint NOT NULL,
  at     timestamptz NOT NULL,
  seq    bigint NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE INDEX run_latest_metrics_key ON __schema__.run_latest_metrics (key, value);

CREATE TABLE __schema__.run_datasets (
  seq       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id    uuid NOT NULL REFERENCES __schema__.runs (run_id),
  name      text NOT NULL,
  digest    text NOT NULL,
  source    text,
  context   text,
  row_count bigint CHECK (row_count >= 0),
  schema    jsonb
);
CREATE INDEX run_datasets_run ON __schema__.run_datasets (run_id, seq);

-- Artifact metadata; the bytes live in the artifact store (by default this schema's artifacts table) under key.
CREATE TABLE __schema__.run_artifacts (
  run_id    uuid NOT NULL REFERENCES __schema__.runs (run_id),
  path      text COLLATE "C" NOT NULL,
  key       text NOT NULL,
  sha256    text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  length    bigint NOT NULL CHECK (length >= 0),
  logged_at timestamptz NOT NULL,
  PRIMARY KEY (run_id, path)
);
