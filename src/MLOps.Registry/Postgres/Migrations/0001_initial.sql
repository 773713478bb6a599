-- MLOps.Registry PostgreSQL schema, version 1. Runs inside the migrator's transaction, under its advisory lock;
-- __schema__ is replaced by the configured (quoted) schema.

CREATE TABLE __schema__.models (
  name         text PRIMARY KEY,
  description  text,
  tags         jsonb NOT NULL DEFAULT '{}',
  last_version integer NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);
