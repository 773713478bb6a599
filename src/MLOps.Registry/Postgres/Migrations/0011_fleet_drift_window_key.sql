-- A replica's closed drift window is stored once (issue 12): the replica retries a window whose insert failed, and
-- after a lost commit answer (a timeout, a cancelled insert at shutdown, a connection dropped after COMMIT) the retry
-- would store it a second time, in the bucket of its second arrival, and the leader would merge its counts twice. A
-- replica never closes two windows of one model version with the same start and end, so those name the window; the
-- insert skips a window already stored. Duplicates stored before this migration are removed first (the oldest kept).
DELETE FROM __schema__.fleet_drift_windows w
USING __schema__.fleet_drift_windows older
WHERE older.replica_id = w.replica_id AND older.model = w.model AND older.version = w.version
  AND older.window_start = w.window_start AND older.window_end = w.window_end AND older.id < w.id;

CREATE UNIQUE INDEX fleet_drift_windows_once
  ON __schema__.fleet_drift_windows (replica_id, model, version, window_start, window_end);
