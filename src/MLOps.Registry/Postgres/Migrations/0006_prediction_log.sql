-- The durable prediction log (issue 12): one row per prediction, written in batches with binary COPY by
-- PostgresPredictionLog. Range-partitioned by predicted_at: the partitions (predictions_pYYYYMMDDHHMM_YYYYMMDDHHMM,
-- named after their bounds in UTC) are created ahead by the log and dropped whole when older than the retention.
-- predicted_value and score are NULL where the record holds NaN (not applicable). The inputs are four parallel arrays
-- (name, kind — 0 numeric, 1 Boolean, 2 categorical —, number with NaN when missing or categorical, category), all NULL
-- when the inputs were not logged.
CREATE TABLE __schema__.predictions (
  id               uuid NOT NULL,
  model            text NOT NULL,
  version          integer NOT NULL,
  variant          text NOT NULL,
  replica_id       text NOT NULL,
  predicted_at     timestamptz NOT NULL,
  predicted_value  double precision,
  score            double precision,
  predicted_label  text,
  segment          text,
  input_names      text[],
  input_kinds      smallint[],
  input_numbers    double precision[],
  input_categories text[]
) PARTITION BY RANGE (predicted_at);

-- Lookup by id (feedback that reaches a replica which did not make the prediction), and the batch jobs' range scans.
CREATE INDEX predictions_id ON __schema__.predictions (id);
CREATE INDEX predictions_model_time ON __schema__.predictions (model, predicted_at);

-- Ground truth, first one wins: the primary key makes INSERT … ON CONFLICT DO NOTHING store exactly one per prediction
-- across replicas. position orders the feedback as stored (readers resume after the last position they saw).
-- actual_kind is GroundTruthKind (1 number, 2 Boolean, 3 label). Deleted by the log's retention (received_at).
CREATE TABLE __schema__.feedback (
  prediction_id uuid PRIMARY KEY,
  position      bigserial NOT NULL,
  actual_kind   smallint NOT NULL,
  actual_number double precision,
  actual_label  text,
  received_at   timestamptz NOT NULL,
  replica_id    text NOT NULL
);

CREATE UNIQUE INDEX feedback_position ON __schema__.feedback (position);
CREATE INDEX feedback_received_at ON __schema__.feedback (received_at);
