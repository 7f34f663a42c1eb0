-- @description: Order items priced at the amount charged, with the catalog cost of goods
-- @ordering: order_id, line_number
-- @evidence: orders, catalog
select
    i.order_id,
    i.line_number,
    i.product_id,
    p.category,
    i.quantity,
    i.unit_price * i.quantity as gross_amount,
    i.discount,
    i.unit_price * i.quantity - i.discount as net_amount,
    p.cost * i.quantity as cost_amount
from order_items i
join product_catalog p on p.product_id = i.product_id
order by i.order_id, i.line_number
