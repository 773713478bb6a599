-- Feedback retention by prediction time (issue 12): the log's retention deleted feedback by received_at, so feedback
-- could go while its prediction stayed (feedback received a day after the prediction outlives it by a day, and the
-- other way round), and a second feedback for that prediction was then accepted again: first-wins broken.
-- predicted_at is the prediction's time, filled from the log when the feedback is stored (NULL when the prediction has
-- not reached the log yet). Retention now deletes feedback only once its prediction is gone too (its partition was
-- dropped), so a resend finds no prediction and is refused as unknown. Existing rows are backfilled from the log where
-- their prediction is still there; the others keep NULL and go by received_at, their prediction being gone already.
ALTER TABLE __schema__.feedback ADD COLUMN predicted_at timestamptz;

UPDATE __schema__.feedback f SET predicted_at = p.predicted_at
FROM __schema__.predictions p
WHERE p.id = f.prediction_id;

CREATE INDEX feedback_predicted_at ON __schema__.feedback (predicted_at);
