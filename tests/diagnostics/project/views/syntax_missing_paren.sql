SELECT id, (amount * 2 AS doubled FROM orders
--                                ^^^^ error[syntax-error] expected ')' near 'FROM'
