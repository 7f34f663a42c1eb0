-- ERROR line 8: missing table `refunds` (no extract or view has that name).
-- @description: Share of each customer's orders that were refunded
-- @ordering: customer_id
select
    o.customer_id,
    count(r.order_id) * 1.0 / count(*) as refund_rate
from orders o
left join refunds r on r.order_id = o.order_id
group by o.customer_id
order by o.customer_id
