-- @description: Catalog products that appear in no order at all
-- @ordering: product_id
-- @evidence: catalog
select p.product_id, p.sku, p.name, p.category, p.launched_on, p.active
from product_catalog p
left join order_lines l on l.product_id = p.product_id
where l.product_id is null
order by p.product_id
