-- A station database at schema version 1, frozen: the schema exactly as
-- migration 1 wrote it (sqlite3 .schema of a fresh version-1 file) and a
-- few rows of each kind.  tests/station/test_store.c opens it with the
-- current build and checks that the rows survive every later migration.
-- Never regenerate it from a newer build.
BEGIN;
CREATE TABLE station ( id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 63), name TEXT NOT NULL DEFAULT '');
CREATE TABLE operator ( id INTEGER PRIMARY KEY, badge TEXT NOT NULL UNIQUE CHECK (length(badge) BETWEEN 1 AND 63), name TEXT NOT NULL, role TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)));
CREATE TABLE operator_session ( id INTEGER PRIMARY KEY, operator_id INTEGER NOT NULL REFERENCES operator(id), station_id INTEGER NOT NULL REFERENCES station(id), start_ms INTEGER NOT NULL, end_ms INTEGER);
CREATE INDEX operator_session_open ON operator_session(station_id) WHERE end_ms IS NULL;
CREATE TABLE device ( id INTEGER PRIMARY KEY, station_id INTEGER NOT NULL REFERENCES station(id), role TEXT NOT NULL, vid INTEGER CHECK (vid BETWEEN 0 AND 65535), pid INTEGER CHECK (pid BETWEEN 0 AND 65535), serial TEXT, port_path TEXT, name TEXT);
CREATE INDEX device_station ON device(station_id);
CREATE TABLE category ( id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 31), name TEXT NOT NULL);
CREATE TABLE product ( id INTEGER PRIMARY KEY, sku TEXT NOT NULL UNIQUE CHECK (length(sku) BETWEEN 1 AND 63), gtin TEXT CONSTRAINT product_gtin_14_digits  CHECK (gtin IS NULL OR (length(gtin) = 14 AND gtin NOT GLOB '*[^0-9]*')), name TEXT NOT NULL, category_id INTEGER NOT NULL REFERENCES category(id), final_sale INTEGER NOT NULL DEFAULT 0 CHECK (final_sale IN (0, 1)));
CREATE UNIQUE INDEX product_gtin ON product(gtin) WHERE gtin IS NOT NULL;
CREATE INDEX product_category ON product(category_id);
CREATE TABLE orders ( id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE CHECK (length(number) BETWEEN 1 AND 63), customer_name TEXT NOT NULL DEFAULT '', customer_email TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'open' CONSTRAINT order_status CHECK (status IN  ('open', 'in_production', 'ready', 'packed', 'shipped', 'left_warehouse',   'delivered', 'returned', 'closed')), ship_country TEXT NOT NULL DEFAULT '' CONSTRAINT order_ship_country  CHECK (ship_country = '' OR ship_country GLOB '[A-Z][A-Z]'), cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)), custom INTEGER NOT NULL DEFAULT 0 CHECK (custom IN (0, 1)), gift_box INTEGER NOT NULL DEFAULT 0 CHECK (gift_box IN (0, 1)), deposit_paid INTEGER NOT NULL DEFAULT 0 CHECK (deposit_paid IN (0, 1)), balance_paid INTEGER NOT NULL DEFAULT 0 CHECK (balance_paid IN (0, 1)), customer_confirmed INTEGER NOT NULL DEFAULT 0 CHECK (customer_confirmed IN (0, 1)), placed_ms INTEGER, delivered_ms INTEGER, updated_ms INTEGER NOT NULL);
CREATE TABLE order_line ( id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id), line_no INTEGER NOT NULL CHECK (line_no >= 1), product_id INTEGER NOT NULL REFERENCES product(id), quantity INTEGER NOT NULL DEFAULT 1 CHECK (quantity >= 1), final_sale INTEGER NOT NULL DEFAULT 0 CHECK (final_sale IN (0, 1)), custom INTEGER NOT NULL DEFAULT 0 CHECK (custom IN (0, 1)), design_your_own INTEGER NOT NULL DEFAULT 0 CHECK (design_your_own IN (0, 1)), special_order INTEGER NOT NULL DEFAULT 0 CHECK (special_order IN (0, 1)), personalized INTEGER NOT NULL DEFAULT 0 CHECK (personalized IN (0, 1)), custom_size INTEGER NOT NULL DEFAULT 0 CHECK (custom_size IN (0, 1)), UNIQUE (order_id, line_no));
CREATE INDEX order_line_product ON order_line(product_id);
CREATE TABLE order_line_option ( line_id INTEGER NOT NULL REFERENCES order_line(id), name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 31), value TEXT NOT NULL, PRIMARY KEY (line_id, name));
CREATE TABLE item ( id INTEGER PRIMARY KEY, serial TEXT NOT NULL UNIQUE CHECK (length(serial) BETWEEN 1 AND 63), product_id INTEGER NOT NULL REFERENCES product(id), order_line_id INTEGER REFERENCES order_line(id), status TEXT NOT NULL DEFAULT 'received' CONSTRAINT item_status CHECK (status IN  ('received', 'in_qc', 'passed', 'failed', 'rework', 'hold', 'scrap', 'packed',   'shipped', 'returned', 'in_service')), created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL);
CREATE INDEX item_product ON item(product_id);
CREATE INDEX item_order_line ON item(order_line_id);
CREATE TABLE scan ( id INTEGER PRIMARY KEY, station_id INTEGER NOT NULL REFERENCES station(id), operator_id INTEGER REFERENCES operator(id), source TEXT NOT NULL, symbology TEXT, raw BLOB NOT NULL, truncated INTEGER NOT NULL DEFAULT 0 CHECK (truncated IN (0, 1)), kind TEXT, valid INTEGER NOT NULL DEFAULT 0 CHECK (valid IN (0, 1)), ts_ms INTEGER NOT NULL);
CREATE TRIGGER scan_no_update BEFORE UPDATE ON scan BEGIN SELECT RAISE(ABORT, 'scan rows are never changed'); END;
CREATE TRIGGER scan_no_delete BEFORE DELETE ON scan BEGIN SELECT RAISE(ABORT, 'scan rows are never deleted'); END;
CREATE TABLE outbox ( id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE CHECK (length(uuid) = 36), type TEXT NOT NULL, entity TEXT NOT NULL, payload TEXT NOT NULL, created_ms INTEGER NOT NULL, sent_ms INTEGER);
CREATE INDEX outbox_pending ON outbox(id) WHERE sent_ms IS NULL;
CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox BEGIN SELECT RAISE(ABORT, 'outbox rows are never deleted'); END;
CREATE TRIGGER outbox_append_only BEFORE UPDATE ON outbox WHEN OLD.sent_ms IS NOT NULL OR NEW.uuid IS NOT OLD.uuid OR NEW.type IS NOT OLD.type  OR NEW.entity IS NOT OLD.entity OR NEW.payload IS NOT OLD.payload  OR NEW.created_ms IS NOT OLD.created_ms OR NEW.id IS NOT OLD.id BEGIN SELECT RAISE(ABORT, 'outbox rows are append-only'); END;
INSERT INTO category(code, name) VALUES ('ring', 'Ring'), ('necklace', 'Necklace'), ('earrings', 'Earrings'), ('bracelet', 'Bracelet'), ('pendant', 'Pendant'), ('custom', 'Custom piece');
INSERT INTO station(id, code, name) VALUES (1, 'ST-01', 'Bench 1');
INSERT INTO operator(id, badge, name, role, active) VALUES (1, 'B-100', 'Ada Inspector', 'inspector', 1);
INSERT INTO operator_session(id, operator_id, station_id, start_ms, end_ms) VALUES (1, 1, 1, 1700000000000, NULL);
INSERT INTO product(id, sku, gtin, name, category_id, final_sale) VALUES (1, 'RING-001', '09501101020917', 'Solitaire ring', 1, 0);
INSERT INTO orders(id, number, customer_name, customer_email, status, ship_country, gift_box, placed_ms, updated_ms) VALUES (1, 'ORD-1001', 'Grace H.', 'grace@example.com', 'open', 'US', 1, 1699990000000, 1699990000000);
INSERT INTO order_line(id, order_id, line_no, product_id, quantity, personalized) VALUES (1, 1, 1, 1, 1, 1);
INSERT INTO order_line_option(line_id, name, value) VALUES (1, 'size', '6.5'), (1, 'engraving', 'Love, A.');
INSERT INTO item(id, serial, product_id, order_line_id, status, created_ms, updated_ms) VALUES (1, 'SN-0001', 1, 1, 'hold', 1700000000000, 1700000001000);
INSERT INTO scan(id, station_id, operator_id, source, symbology, raw, truncated, kind, valid, ts_ms) VALUES (1, 1, 1, 'stdin', ']C1', X'3031303935303131303130323039313721534E2D30303031', 0, 'gs1', 1, 1700000000500);
INSERT INTO outbox(id, uuid, type, entity, payload, created_ms, sent_ms) VALUES (1, '1b4e28ba-2fa1-41d2-883f-0016d3cca427', 'scan', 'scan:1', '{"id":1}', 1700000000500, NULL);
PRAGMA user_version = 1;
COMMIT;
