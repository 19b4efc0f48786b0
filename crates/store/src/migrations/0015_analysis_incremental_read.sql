-- 0015: reserved for analysis reading only what changed (issue 7); nothing yet.
SELECT 1;
