-- @description: Kept orders and revenue per day with a running total and a 7-day average
-- @ordering: order_date
-- @evidence: finance
select
    order_date,
    to_char(order_date, '%A') as weekday,
    count(*) as orders,
    sum(net_amount) as revenue,
    sum(sum(net_amount)) over (order by order_date) as revenue_to_date,
    avg(sum(net_amount)) over (order by order_date rows between 6 preceding and current row) as revenue_7d_avg
from orders_enriched
where status not in ('cancelled', 'returned')
group by order_date
order by order_date
