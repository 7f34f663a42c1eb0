SELECT o.id, o.ammount, statuss
--             ^^^^^^^ error[unknown-column] unknown column 'o.ammount'; did you mean 'amount'? (available: id, user_id, amount, status, ordered_at)
--                      ^^^^^^^ error[unknown-column] unknown column 'statuss'; did you mean 'status'? (available: id, user_id, amount, status, ordered_at)
FROM orders o
