-- The demo shop's orders table (expand-only: safe while the old release serves traffic).
SET lock_timeout = '5s';
CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  sku text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO orders (sku, quantity) VALUES ('mug', 2), ('tee', 1);
