-- MLOps.Registry PostgreSQL schema, version 3: rollouts (progressive delivery). Additive only. Runs inside the
-- migrator's transaction, under its advisory lock; __schema__ is replaced by the configured (quoted) schema.

-- One row per rollout. rollout is the whole record as the SDK serializes it (steps, analysis settings and the
-- decisions, oldest first); the columns beside it are what the database checks and indexes. Every write to a rollout
-- first locks its model's row (as every other mutation of the model does), so decisions, starts and a promotion's alias
-- move are serialized; the partial unique index is the backstop that keeps one active rollout per model whatever the
-- callers do. state: 0 progressing, 1 paused, 2 awaiting approval (active); 3 succeeded, 4 rolled back, 5 aborted.
CREATE TABLE __schema__.rollouts (
  seq               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id                text NOT NULL UNIQUE,
  model_name        text NOT NULL REFERENCES __schema__.models (name),
  alias             text NOT NULL,
  strategy          smallint NOT NULL CHECK (strategy BETWEEN 0 AND 3),
  primary_version   integer NOT NULL,
  candidate_version integer NOT NULL,
  state             smallint NOT NULL CHECK (state BETWEEN 0 AND 5),
  revision          bigint NOT NULL CHECK (revision >= 1),
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  rollout           jsonb NOT NULL,
  FOREIGN KEY (model_name, primary_version) REFERENCES __schema__.model_versions (model_name, version),
  FOREIGN KEY (model_name, candidate_version) REFERENCES __schema__.model_versions (model_name, version)
);
CREATE UNIQUE INDEX rollouts_one_active ON __schema__.rollouts (model_name) WHERE state IN (0, 1, 2);
CREATE INDEX rollouts_model ON __schema__.rollouts (model_name, seq);
