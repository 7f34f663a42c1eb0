SELECT id FROM warehouse.orders
--                       ^^^^^^ error[unknown-table] unknown table 'warehouse.orders': views and extracts live in the default schema; write the bare name
