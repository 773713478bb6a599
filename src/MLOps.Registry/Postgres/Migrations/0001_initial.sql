-- MLOps.Registry PostgreSQL schema, version 1. Runs inside the migrator's transaction, under its advisory lock;
-- __schema__ is replaced by the configured (quoted) schema. Timestamps come from the SDK's TimeProvider.

-- Registered models. last_version is the version counter (allocated with UPDATE … RETURNING in the transaction that
-- inserts the version, so numbers are unique and gap-free); change_seq is bumped by every mutation of the model and its
-- versions, aliases and approvals, and is what replicas poll when notifications are unavailable.
CREATE TABLE __schema__.models (
  name         text PRIMARY KEY,
  description  text,
  tags         jsonb NOT NULL DEFAULT '{}',
  last_version integer NOT NULL DEFAULT 0,
  change_seq   bigint NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  created_by   text NOT NULL
);

-- Versions. artifacts: [{"path", "key", "sha256", "length"}] where key is the artifact store key.
CREATE TABLE __schema__.model_versions (
  model_name            text NOT NULL REFERENCES __schema__.models (name),
  version               integer NOT NULL CHECK (version >= 1),
  status                smallint NOT NULL,
  status_message        text,
  description           text,
  artifacts             jsonb NOT NULL DEFAULT '[]',
  primary_artifact_path text NOT NULL,
  metrics               jsonb NOT NULL DEFAULT '{}',
  params                jsonb NOT NULL DEFAULT '{}',
  tags                  jsonb NOT NULL DEFAULT '{}',
  signature             jsonb,
  lineage               jsonb,
  profile_key           text,
  profile_sha256        text,
  profile_length        bigint,
  profile_content_type  text,
  created_at            timestamptz NOT NULL,
  updated_at            timestamptz NOT NULL,
  created_by            text NOT NULL,
  PRIMARY KEY (model_name, version)
);

-- Current alias assignments. A removed alias keeps its row (version NULL) so its revision keeps counting.
CREATE TABLE __schema__.aliases (
  model_name text NOT NULL REFERENCES __schema__.models (name),
  alias      text NOT NULL,
  version    integer,
  revision   bigint NOT NULL,
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL,
  PRIMARY KEY (model_name, alias),
  FOREIGN KEY (model_name, version) REFERENCES __schema__.model_versions (model_name, version)
);

-- Every move of every alias, kept forever (rollback = move back to the previous holder).
CREATE TABLE __schema__.alias_history (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model_name       text NOT NULL REFERENCES __schema__.models (name),
  alias            text NOT NULL,
  revision         bigint NOT NULL,
  action           smallint NOT NULL,
  version          integer,
  previous_version integer,
  actor            text NOT NULL,
  reason           text,
  at               timestamptz NOT NULL,
  UNIQUE (model_name, alias, revision)
);

CREATE TABLE __schema__.approvals (
  seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id              text NOT NULL UNIQUE,
  model_name      text NOT NULL REFERENCES __schema__.models (name),
  version         integer NOT NULL,
  alias           text NOT NULL,
  state           smallint NOT NULL,
  requested_by    text NOT NULL,
  requested_at    timestamptz NOT NULL,
  reason          text,
  decided_by      text,
  decided_at      timestamptz,
  decision_reason text,
  FOREIGN KEY (model_name, version) REFERENCES __schema__.model_versions (model_name, version)
);
CREATE INDEX approvals_model ON __schema__.approvals (model_name, seq);

-- The audit trail: who did what, when and why. Append-only.
CREATE TABLE __schema__.audit_events (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at         timestamptz NOT NULL,
  actor      text NOT NULL,
  action     text NOT NULL,
  model_name text NOT NULL,
  target     text NOT NULL,
  before     text,
  after      text,
  reason     text
);
CREATE INDEX audit_events_model ON __schema__.audit_events (model_name, at);
CREATE INDEX audit_events_at ON __schema__.audit_events (at);

-- The default artifact store: one row per blob. Model zips are already compressed, so the content is stored
-- out of line without PostgreSQL compression.
CREATE TABLE __schema__.artifacts (
  key        text PRIMARY KEY,
  content    bytea NOT NULL,
  sha256     text NOT NULL,
  length     bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE __schema__.artifacts ALTER COLUMN content SET STORAGE EXTERNAL;
