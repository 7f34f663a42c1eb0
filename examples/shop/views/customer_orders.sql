-- @description: Each customer's non-cancelled orders in sequence, with running spend and gaps
-- @ordering: user_id, order_sequence
-- @evidence: orders, crm
select
    user_id,
    order_id,
    order_date,
    net_amount,
    row_number() over buyer as order_sequence,
    -- Spelled out: DataFusion 55 drops the PARTITION BY of a named window refined in OVER.
    sum(net_amount) over (
        partition by user_id order by ordered_at, order_id rows between unbounded preceding and current row
    ) as running_spend,
    lag(order_date) over buyer as previous_order_date,
    order_date - lag(order_date) over buyer as days_since_previous
from orders_enriched
where status <> 'cancelled'
window buyer as (partition by user_id order by ordered_at, order_id)
order by user_id, order_sequence
