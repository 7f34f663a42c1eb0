-- @description: Every order event (placed, shipped, delivered) as one chronological stream
-- @ordering: order_id, event_at
-- @evidence: orders, logistics
select order_id, 'placed' as event, ordered_at as event_at from orders
union all
select order_id, 'shipped' as event, shipped_at as event_at from shipments
union all
select order_id, 'delivered' as event, delivered_at as event_at from shipments where delivered_at is not null
order by order_id, event_at
