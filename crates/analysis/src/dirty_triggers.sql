-- The triggers that mark the owners whose rows changed in `analysis_dirty` (migration
-- 0022), installed by analysis's first run on a database (`keeper_analysis::cache`), so
-- an import before any analysis pays nothing for them. A mark is the owner's key only: a
-- customer id, `~walkin:YYYY-MM-DD` for the UTC day of a payment nobody owns, or `*` when
-- the locations' time zones change (everything is read again). Walk-in payments of an
-- order are found by the order through migration 0014's payments_order index.

-- Customers.
CREATE TRIGGER IF NOT EXISTS analysis_dirty_customers_ins AFTER INSERT ON customers
BEGIN INSERT INTO analysis_dirty (key) VALUES (NEW.id); END;
CREATE TRIGGER IF NOT EXISTS analysis_dirty_customers_upd AFTER UPDATE ON customers
WHEN (OLD.id IS NOT NEW.id OR OLD.given_name IS NOT NEW.given_name
      OR OLD.family_name IS NOT NEW.family_name OR OLD.birthday IS NOT NEW.birthday)
BEGIN
    INSERT INTO analysis_dirty (key) VALUES (OLD.id);
    INSERT INTO analysis_dirty (key) VALUES (NEW.id);
END;
CREATE TRIGGER IF NOT EXISTS analysis_dirty_customers_del AFTER DELETE ON customers
BEGIN INSERT INTO analysis_dirty (key) VALUES (OLD.id); END;

-- Orders: their customer, and the walk-in days of their customer-less payments (whose
-- owner follows the order).
CREATE TRIGGER IF NOT EXISTS analysis_dirty_orders_ins AFTER INSERT ON orders
BEGIN
    INSERT INTO analysis_dirty (key) SELECT NEW.customer_id WHERE NEW.customer_id IS NOT NULL;
    INSERT INTO analysis_dirty (key)
        SELECT '~walkin:' || substr(created_at, 1, 10) FROM payments
         WHERE customer_id IS NULL AND order_id = NEW.id AND created_at IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS analysis_dirty_orders_upd AFTER UPDATE ON orders
WHEN (OLD.id IS NOT NEW.id OR OLD.customer_id IS NOT NEW.customer_id
      OR OLD.state IS NOT NEW.state OR OLD.created_at IS NOT NEW.created_at
      OR OLD.location_id IS NOT NEW.location_id OR OLD.version IS NOT NEW.version
      OR OLD.updated_at IS NOT NEW.updated_at)
BEGIN
    INSERT INTO analysis_dirty (key) SELECT OLD.customer_id WHERE OLD.customer_id IS NOT NULL;
    INSERT INTO analysis_dirty (key) SELECT NEW.customer_id WHERE NEW.customer_id IS NOT NULL;
    INSERT INTO analysis_dirty (key)
        SELECT '~walkin:' || substr(created_at, 1, 10) FROM payments
         WHERE customer_id IS NULL AND order_id IN (OLD.id, NEW.id) AND created_at IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS analysis_dirty_orders_del AFTER DELETE ON orders
BEGIN
    INSERT INTO analysis_dirty (key) SELECT OLD.customer_id WHERE OLD.customer_id IS NOT NULL;
    INSERT INTO analysis_dirty (key)
        SELECT '~walkin:' || substr(created_at, 1, 10) FROM payments
         WHERE customer_id IS NULL AND order_id = OLD.id AND created_at IS NOT NULL;
END;

-- Line items, modifiers and booking segments need no triggers of their own: they are
-- written with their order or booking, whose `version`/`updated_at` moves whenever they
-- change (a sync re-writes the children of unchanged parents, which must not mark them).

-- Payments: their customer, their order's customer and their walk-in day.
CREATE TRIGGER IF NOT EXISTS analysis_dirty_payments_ins AFTER INSERT ON payments
BEGIN
    INSERT INTO analysis_dirty (key) SELECT NEW.customer_id WHERE NEW.customer_id IS NOT NULL;
    INSERT INTO analysis_dirty (key)
        SELECT customer_id FROM orders WHERE id = NEW.order_id AND customer_id IS NOT NULL;
    INSERT INTO analysis_dirty (key)
        SELECT '~walkin:' || substr(NEW.created_at, 1, 10) WHERE NEW.created_at IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS analysis_dirty_payments_upd AFTER UPDATE ON payments
WHEN (OLD.id IS NOT NEW.id OR OLD.customer_id IS NOT NEW.customer_id
      OR OLD.order_id IS NOT NEW.order_id OR OLD.team_member_id IS NOT NEW.team_member_id
      OR OLD.status IS NOT NEW.status OR OLD.amount IS NOT NEW.amount
      OR OLD.refunded IS NOT NEW.refunded OR OLD.currency IS NOT NEW.currency
      OR OLD.location_id IS NOT NEW.location_id OR OLD.created_at IS NOT NEW.created_at)
BEGIN
    INSERT INTO analysis_dirty (key) SELECT OLD.customer_id WHERE OLD.customer_id IS NOT NULL;
    INSERT INTO analysis_dirty (key) SELECT NEW.customer_id WHERE NEW.customer_id IS NOT NULL;
    INSERT INTO analysis_dirty (key)
        SELECT customer_id FROM orders
         WHERE id IN (OLD.order_id, NEW.order_id) AND customer_id IS NOT NULL;
    INSERT INTO analysis_dirty (key)
        SELECT '~walkin:' || substr(OLD.created_at, 1, 10) WHERE OLD.created_at IS NOT NULL;
    INSERT INTO analysis_dirty (key)
        SELECT '~walkin:' || substr(NEW.created_at, 1, 10) WHERE NEW.created_at IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS analysis_dirty_payments_del AFTER DELETE ON payments
BEGIN
    INSERT INTO analysis_dirty (key) SELECT OLD.customer_id WHERE OLD.customer_id IS NOT NULL;
    INSERT INTO analysis_dirty (key)
        SELECT customer_id FROM orders WHERE id = OLD.order_id AND customer_id IS NOT NULL;
    INSERT INTO analysis_dirty (key)
        SELECT '~walkin:' || substr(OLD.created_at, 1, 10) WHERE OLD.created_at IS NOT NULL;
END;

-- Refunds: everyone their payment may belong to.
CREATE TRIGGER IF NOT EXISTS analysis_dirty_refunds_ins AFTER INSERT ON refunds
BEGIN
    INSERT INTO analysis_dirty (key)
        SELECT customer_id FROM payments WHERE id = NEW.payment_id AND customer_id IS NOT NULL;
    INSERT INTO analysis_dirty (key)
        SELECT o.customer_id FROM payments p JOIN orders o ON o.id = p.order_id
         WHERE p.id = NEW.payment_id AND o.customer_id IS NOT NULL;
    INSERT INTO analysis_dirty (key)
        SELECT '~walkin:' || substr(created_at, 1, 10) FROM payments
         WHERE id = NEW.payment_id AND created_at IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS analysis_dirty_refunds_upd AFTER UPDATE ON refunds
WHEN (OLD.payment_id IS NOT NEW.payment_id OR OLD.status IS NOT NEW.status
      OR OLD.amount IS NOT NEW.amount)
BEGIN
    INSERT INTO analysis_dirty (key)
        SELECT customer_id FROM payments
         WHERE id IN (OLD.payment_id, NEW.payment_id) AND customer_id IS NOT NULL;
    INSERT INTO analysis_dirty (key)
        SELECT o.customer_id FROM payments p JOIN orders o ON o.id = p.order_id
         WHERE p.id IN (OLD.payment_id, NEW.payment_id) AND o.customer_id IS NOT NULL;
    INSERT INTO analysis_dirty (key)
        SELECT '~walkin:' || substr(created_at, 1, 10) FROM payments
         WHERE id IN (OLD.payment_id, NEW.payment_id) AND created_at IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS analysis_dirty_refunds_del AFTER DELETE ON refunds
BEGIN
    INSERT INTO analysis_dirty (key)
        SELECT customer_id FROM payments WHERE id = OLD.payment_id AND customer_id IS NOT NULL;
    INSERT INTO analysis_dirty (key)
        SELECT o.customer_id FROM payments p JOIN orders o ON o.id = p.order_id
         WHERE p.id = OLD.payment_id AND o.customer_id IS NOT NULL;
    INSERT INTO analysis_dirty (key)
        SELECT '~walkin:' || substr(created_at, 1, 10) FROM payments
         WHERE id = OLD.payment_id AND created_at IS NOT NULL;
END;

-- Bookings: their customer.
CREATE TRIGGER IF NOT EXISTS analysis_dirty_bookings_ins AFTER INSERT ON bookings
WHEN NEW.customer_id IS NOT NULL
BEGIN INSERT INTO analysis_dirty (key) VALUES (NEW.customer_id); END;
CREATE TRIGGER IF NOT EXISTS analysis_dirty_bookings_upd AFTER UPDATE ON bookings
WHEN (OLD.id IS NOT NEW.id OR OLD.customer_id IS NOT NEW.customer_id
      OR OLD.status IS NOT NEW.status OR OLD.start_at IS NOT NEW.start_at
      OR OLD.created_at IS NOT NEW.created_at OR OLD.location_id IS NOT NEW.location_id
      OR OLD.version IS NOT NEW.version OR OLD.updated_at IS NOT NEW.updated_at)
BEGIN
    INSERT INTO analysis_dirty (key) SELECT OLD.customer_id WHERE OLD.customer_id IS NOT NULL;
    INSERT INTO analysis_dirty (key) SELECT NEW.customer_id WHERE NEW.customer_id IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS analysis_dirty_bookings_del AFTER DELETE ON bookings
WHEN OLD.customer_id IS NOT NULL
BEGIN INSERT INTO analysis_dirty (key) VALUES (OLD.customer_id); END;
-- Loyalty accounts.
CREATE TRIGGER IF NOT EXISTS analysis_dirty_loyalty_ins AFTER INSERT ON loyalty_accounts
WHEN NEW.customer_id IS NOT NULL
BEGIN INSERT INTO analysis_dirty (key) VALUES (NEW.customer_id); END;
CREATE TRIGGER IF NOT EXISTS analysis_dirty_loyalty_upd AFTER UPDATE ON loyalty_accounts
WHEN (OLD.customer_id IS NOT NEW.customer_id OR OLD.balance IS NOT NEW.balance)
BEGIN
    INSERT INTO analysis_dirty (key) SELECT OLD.customer_id WHERE OLD.customer_id IS NOT NULL;
    INSERT INTO analysis_dirty (key) SELECT NEW.customer_id WHERE NEW.customer_id IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS analysis_dirty_loyalty_del AFTER DELETE ON loyalty_accounts
WHEN OLD.customer_id IS NOT NULL
BEGIN INSERT INTO analysis_dirty (key) VALUES (OLD.customer_id); END;

-- What every part depends on: the locations' time zones (days are local). The catalog is
-- not needed here: parts name items as their rows do and are resolved when merged.
CREATE TRIGGER IF NOT EXISTS analysis_dirty_locations AFTER UPDATE ON locations
WHEN OLD.timezone IS NOT NEW.timezone
BEGIN INSERT INTO analysis_dirty (key) VALUES ('*'); END;
CREATE TRIGGER IF NOT EXISTS analysis_dirty_locations_ins AFTER INSERT ON locations
BEGIN INSERT INTO analysis_dirty (key) VALUES ('*'); END;
CREATE TRIGGER IF NOT EXISTS analysis_dirty_locations_del AFTER DELETE ON locations
BEGIN INSERT INTO analysis_dirty (key) VALUES ('*'); END;
