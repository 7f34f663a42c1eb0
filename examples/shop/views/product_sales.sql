-- @description: Units, revenue and margin per product that sold in at least five kept orders
-- @ordering: category, product_id
-- @evidence: catalog, finance
select
    p.category,
    p.product_id,
    p.name,
    count(distinct l.order_id) as order_count,
    sum(l.quantity) as units,
    sum(l.net_amount) as revenue,
    sum(l.net_amount) - sum(l.cost_amount) as margin
from order_lines l
join orders o on o.order_id = l.order_id
join product_catalog p on p.product_id = l.product_id
where o.status not in ('cancelled', 'returned')
group by p.category, p.product_id, p.name
having count(distinct l.order_id) >= 5
order by p.category, p.product_id
