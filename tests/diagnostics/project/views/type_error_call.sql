SELECT id, abs(status) AS a, abs(amount) AS b FROM orders
--         ^^^^^^^^^^^ error[type-error] function 'abs' expects Numeric but received String; add an explicit CAST where the types differ
