-- Fleet drift: each replica's closed drift windows (mergeable state: bin, category, missing and out-of-range counts and
-- the reservoir sample with its weight) and the leader's one report per bucket. bucket_start is the database's clock
-- when the window arrived, floored to the bucket length (aligned on the Unix epoch), so replicas with skewed clocks
-- agree on buckets. The primary key of fleet_drift_reports makes "evaluated" a fact the database enforces: a bucket
-- has at most one report, whichever leader stored it first.
CREATE TABLE __schema__.fleet_drift_windows (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model         text NOT NULL,
  version       integer NOT NULL,
  replica_id    text NOT NULL,
  bucket_start  timestamptz NOT NULL,
  bucket_end    timestamptz NOT NULL,
  window_start  timestamptz NOT NULL,
  window_end    timestamptz NOT NULL,
  rows          bigint NOT NULL,
  state         jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX fleet_drift_windows_bucket ON __schema__.fleet_drift_windows (bucket_end, model, version);

CREATE TABLE __schema__.fleet_drift_reports (
  model         text NOT NULL,
  version       integer NOT NULL,
  bucket_start  timestamptz NOT NULL,
  bucket_end    timestamptz NOT NULL,
  windows       integer NOT NULL,
  replicas      integer NOT NULL,
  rows          bigint NOT NULL,
  dataset_drift boolean NOT NULL,
  report        jsonb NOT NULL,
  evaluated_by  text NOT NULL,
  evaluated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model, version, bucket_start)
);

CREATE INDEX fleet_drift_reports_latest ON __schema__.fleet_drift_reports (model, bucket_start DESC);
