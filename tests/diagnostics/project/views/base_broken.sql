SELECT id, user_idd FROM orders
--         ^^^^^^^^ error[unknown-column] unknown column 'user_idd'; did you mean 'user_id'? (available: id, user_id, amount, status, ordered_at)
