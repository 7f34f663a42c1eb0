-- @columns: id int64, amount float64
--  ^^^^^^^ error[invalid-contract] contracts are metadata-only: a view's columns are derived from its query; remove '@columns'
-- @owner: data-team
--  ^^^^^ warning[invalid-contract] unknown metadata key '@owner'
SELECT id, amount FROM orders
