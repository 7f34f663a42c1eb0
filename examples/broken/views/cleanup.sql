-- ERROR line 3: forbidden statement, a view holds one query; DROP TABLE is not allowed.
-- @description: Attempts to delete an extract
DROP TABLE orders
