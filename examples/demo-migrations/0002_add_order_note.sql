-- A nullable column: no table rewrite, old code keeps working.
SET lock_timeout = '5s';
ALTER TABLE orders ADD COLUMN note text;
