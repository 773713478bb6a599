-- Fleet feedback claimed in one step (issue 12): the receiving replica stored the feedback (first one wins), then queued
-- the pair for the leader in a second statement; a replica killed between the two, or a database failure between
-- them, left feedback on record that no window would ever count, and a resend was answered "duplicate" and queued
-- nothing. queued records whether the feedback's pair went to quality_queue. The queue's insert now marks it in the
-- same statement and inserts only if it was not marked, so any later call for the prediction (a resend, on any replica)
-- queues the pair left behind, exactly once, with the ground truth that won. Rows written before this migration count
-- as queued (true for existing rows, false for new ones), so nothing already joined is joined again.
ALTER TABLE __schema__.feedback ADD COLUMN queued boolean NOT NULL DEFAULT true;
ALTER TABLE __schema__.feedback ALTER COLUMN queued SET DEFAULT false;
