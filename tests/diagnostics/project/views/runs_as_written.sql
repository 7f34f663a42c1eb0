-- sqlglot reads the pipe operator by dropping it; DataFusion's plan of the text wins.
SELECT id FROM orders |> WHERE id > 1
-- expect 2:1-2:7 info[runs-as-written] viewls's SQL reader (sqlglot) reads this query differently from DataFusion (the same columns, computed differently)
