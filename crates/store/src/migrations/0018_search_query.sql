-- 0018: reserved for this work in session 5 and shipped empty on main (370fc81), so a
-- database may already record this version: the schema it was reserved for is migration
-- 0019_search_query. Nothing here.
SELECT 1;
