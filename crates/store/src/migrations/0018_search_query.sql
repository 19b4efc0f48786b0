-- 0018: reserved for query understanding for search (issue 8); nothing yet.
SELECT 1;
