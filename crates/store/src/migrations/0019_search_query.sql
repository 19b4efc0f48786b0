-- 0019: query understanding for search (owned by keeper-search): each customer's facts the
-- search filters and orders by when a query names a status, a time, a spend, a cadence, a
-- service, an add-on, a staff member, missed bookings or reviews.
--
-- One row per customer document: a JSON object (keeper_search::profile::Profile) with times
-- as Unix seconds, so a status such as "lapsed" is decided against the `now` of the search,
-- not of the build. Rewritten with the documents (even when their text is unchanged: a
-- spend rank can move without the text moving) and deleted with them.
CREATE TABLE search_profiles (
    customer_id TEXT PRIMARY KEY,
    profile     TEXT NOT NULL
) WITHOUT ROWID;

-- The search keeps the profiles in memory with the vectors; the generation counter of 0012
-- tells it when to read them again.
CREATE TRIGGER search_profiles_generation_insert AFTER INSERT ON search_profiles
BEGIN
    UPDATE search_vector_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER search_profiles_generation_update AFTER UPDATE ON search_profiles
WHEN OLD.profile IS NOT NEW.profile
BEGIN
    UPDATE search_vector_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER search_profiles_generation_delete AFTER DELETE ON search_profiles
BEGIN
    UPDATE search_vector_generation SET generation = generation + 1 WHERE id = 1;
END;
