-- @description: How many orders each carrier shipped, from the spec-generated views
-- @ordering: carrier
-- @evidence: warehouse
select
    s.carrier,
    count(distinct k.order_key) as orders_shipped,
    count(*) as shipments
from shipments_norm s
join orders_keys k on k.order_id = s.order_id
group by s.carrier
order by s.carrier
