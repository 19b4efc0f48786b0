-- 0017: reserved for background jobs for the UI's slow commands (issue 10); nothing yet.
SELECT 1;
