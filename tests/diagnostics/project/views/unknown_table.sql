SELECT id FROM order
--             ^^^^^ error[unknown-table] unknown table 'order': no view or extract has this name; did you mean 'orders'?
JOIN userz u ON u.id = order.user_id
--   ^^^^^ error[unknown-table] unknown table 'userz': no view or extract has this name; did you mean 'users'?
