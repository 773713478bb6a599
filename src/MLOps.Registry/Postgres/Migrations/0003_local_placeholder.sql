-- LOCAL PLACEHOLDER, not committed: stands in for another branch's migration 0003 so 0005 numbers without gaps.
SELECT 1;
