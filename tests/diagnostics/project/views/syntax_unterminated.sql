SELECT id, 'open string FROM orders
--         ^ error[syntax-error] unterminated string literal
