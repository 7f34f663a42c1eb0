-- ERROR line 7: misspelled function `avrg` (did you mean `avg`?).
-- @description: Order count and average order value per city
-- @ordering: city
select
    c.city,
    count(*) as orders,
    avrg(o.amount) as avg_order_value
from orders o
join customers c on c.customer_id = o.customer_id
group by c.city
order by c.city
