-- ERROR line 8: misspelled column `o.ammount` (the column is `amount`).
-- @description: Total spend per customer
-- @ordering: customer_id
select
    c.customer_id,
    c.name,
    count(*) as orders,
    sum(o.ammount) as total_spent
from customers c
join orders o on o.customer_id = c.customer_id
group by c.customer_id, c.name
order by c.customer_id
