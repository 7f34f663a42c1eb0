-- @description: Products with a typed launch date and the margin per unit at list price
-- @ordering: product_id
-- @evidence: catalog
select
    product_id,
    sku,
    name,
    category,
    price,
    cost,
    round(price - cost, 2) as unit_margin,
    cast(launched_on as date) as launched_on,
    active
from products
order by product_id
