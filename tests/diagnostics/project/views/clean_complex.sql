-- @description: Every construct below plans: no diagnostics expected
-- @ordering: user_id
-- @evidence: orders, users
WITH totals AS (
    SELECT o.user_id, sum(o.amount) AS spent, count(*) AS n
    FROM orders o
    WHERE o.status <> 'cancelled' AND o.ordered_at >= TIMESTAMP '2024-01-01'
    GROUP BY o.user_id
    HAVING count(*) > 1
), orders AS (
    SELECT user_id, spent FROM totals
)
SELECT u.id AS user_id, upper(u.name) AS name, coalesce(t.spent, 0) AS spent,
       row_number() OVER (PARTITION BY u.country ORDER BY t.spent DESC) AS rank_in_country,
       CASE WHEN t.spent > 100 THEN 'high' ELSE 'low' END AS tier
FROM users u LEFT JOIN orders t ON t.user_id = u.id
