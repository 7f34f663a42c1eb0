SELECT id, span_overlaps(ordered_at, amount, 1, 2) AS o FROM orders
--         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[type-error] span_overlaps: argument 1 (a_start) has type Timestamp(µs), but span_overlaps expects an integer; add an explicit CAST where the types differ
