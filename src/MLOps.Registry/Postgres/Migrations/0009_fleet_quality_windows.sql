-- Fleet quality, exactly once across failover (issue 12 §2, follow-up). A queued pair stays in quality_queue until the
-- window it was counted into is published: joined_by is the leadership term (a fresh uuid per term) that claimed it
-- (NULL: not joined yet). The leader claims rows with a compare-and-set on joined_by, and publishes a closed window in one
-- transaction that inserts it into quality_windows and deletes exactly its rows still claimed by its term; if another
-- term took some of them the transaction rolls back and the window is dropped (its rows are joined again). So a pair is
-- in at most one published window, and a pair not in one stays queued for the next leader.
ALTER TABLE __schema__.quality_queue ADD COLUMN joined_by uuid;

-- The leader's steady-state read: rows nobody joined, in position order, without scanning its open windows' rows.
CREATE INDEX quality_queue_unjoined ON __schema__.quality_queue (position) WHERE joined_by IS NULL;

-- Releasing a term's rows (step-down) and the sweep of other terms' rows.
CREATE INDEX quality_queue_joined ON __schema__.quality_queue (joined_by, position) WHERE joined_by IS NOT NULL;

-- The published windows: id is chosen by the leader when the window closes, so a publish retried after an unknown
-- commit outcome is recognised instead of stored twice; seq is the order of publication (what History shows).
CREATE TABLE __schema__.quality_windows (
  id            uuid PRIMARY KEY,
  seq           bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  model         text NOT NULL,
  version       integer NOT NULL,
  variant       text NOT NULL,
  window_start  timestamptz NOT NULL,
  window_end    timestamptz NOT NULL,
  pairs         bigint NOT NULL,
  queue_rows    integer NOT NULL,
  quality       jsonb NOT NULL,
  published_by  text NOT NULL,
  term          uuid NOT NULL,
  closed_at     timestamptz NOT NULL,
  published_at  timestamptz NOT NULL DEFAULT now()
);

-- The latest windows of a model (history) and the latest per version and variant.
CREATE INDEX quality_windows_latest ON __schema__.quality_windows (model, seq DESC);
CREATE INDEX quality_windows_variant ON __schema__.quality_windows (model, version, variant, seq DESC);
