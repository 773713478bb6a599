-- Fleet mode for quality (issue 12 §2): the queue of labelled predictions. The replica that receives feedback claims it
-- (feedback, first one wins) and inserts the pair here with the prediction it found; the leader reads the rows in
-- position order, joins them into its quality windows and deletes them in one statement once joined, so a new leader
-- starts at the first pair not joined. prediction_id is unique: a pair is queued (and joined) exactly once.
-- actual_kind is GroundTruthKind (1 number, 2 Boolean, 3 label); predicted_value and score keep NaN as NaN.
CREATE TABLE __schema__.quality_queue (
  position        bigserial PRIMARY KEY,
  prediction_id   uuid NOT NULL UNIQUE,
  model           text NOT NULL,
  version         integer NOT NULL,
  variant         text NOT NULL,
  predicted_at    timestamptz NOT NULL,
  predicted_value double precision NOT NULL,
  score           double precision NOT NULL,
  predicted_label text,
  segment         text,
  actual_kind     smallint NOT NULL,
  actual_number   double precision NOT NULL,
  actual_label    text,
  received_at     timestamptz NOT NULL
);
