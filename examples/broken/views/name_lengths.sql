-- ERROR line 6: type error, `abs` takes a number but `name` is a string.
-- @description: Customers with the absolute value of their name
-- @ordering: customer_id
select
    customer_id,
    abs(name) as name_value
from customers
order by customer_id
