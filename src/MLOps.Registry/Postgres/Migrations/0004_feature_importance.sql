-- MLOps.Registry PostgreSQL schema, version 4: the permutation feature importance of a version
-- (RegisteredModelVersion.FeatureImportance), a JSON array of {feature, metric, mean, stdDev}, most important first.
-- Additive only: existing versions get an empty list. Runs inside the migrator's transaction, under its advisory lock;
-- __schema__ is replaced by the configured (quoted) schema.

ALTER TABLE __schema__.model_versions
  ADD COLUMN feature_importance jsonb NOT NULL DEFAULT '[]'
  CHECK (jsonb_typeof(feature_importance) = 'array');
