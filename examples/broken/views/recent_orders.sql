-- ERROR line 3: ordering key `order_date` is not an output column of this view.
-- @description: The latest orders with the buyer's name
-- @ordering: order_date
select
    o.order_id,
    c.name as customer_name,
    o.amount
from orders o
join customers c on c.customer_id = o.customer_id
order by o.order_date desc
