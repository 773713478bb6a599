-- Fleet mode: one row per running replica, written by its heartbeat (PostgresFleetHeartbeat) and read by the fleet
-- view. last_seen is the database's clock, so replicas with skewed clocks expire alike.
CREATE TABLE __schema__.fleet_replicas (
  replica_id  text PRIMARY KEY,
  host        text NOT NULL,
  process_id  integer NOT NULL,
  started_at  timestamptz NOT NULL,
  last_seen   timestamptz NOT NULL DEFAULT now(),
  is_leader   boolean NOT NULL DEFAULT false,
  models      jsonb NOT NULL DEFAULT '[]'::jsonb
);

CREATE INDEX fleet_replicas_last_seen ON __schema__.fleet_replicas (last_seen);
