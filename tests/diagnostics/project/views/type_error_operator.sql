SELECT id, amount + 1 AS a, status + 1 AS b FROM orders
--                          ^^^^^^^^^^ error[type-error] cannot coerce arithmetic expression Utf8 + Int64 to valid types; add an explicit CAST where the types differ
