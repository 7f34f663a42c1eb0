-- @description: One row per order with its buyer and totals over its lines
-- @ordering: order_id
-- @evidence: orders, finance
with totals as (
    select
        order_id,
        count(*) as line_count,
        sum(quantity) as units,
        sum(net_amount) as net_amount,
        sum(net_amount) - sum(cost_amount) as margin
    from order_lines
    group by order_id
)
select
    o.order_id,
    o.user_id,
    u.name as customer_name,
    u.country,
    o.ordered_at,
    cast(o.ordered_at as date) as order_date,
    o.status,
    o.channel,
    o.coupon_code is not null as used_coupon,
    t.line_count,
    t.units,
    t.net_amount,
    t.margin
from orders o
join users_clean u on u.user_id = o.user_id
join totals t on t.order_id = o.order_id
order by o.order_id
