-- @description: Each shipment with handling and transit times and whether it arrived on time
-- @ordering: shipment_id
-- @evidence: logistics
select
    s.shipment_id,
    s.order_id,
    s.carrier,
    s.warehouse,
    o.country,
    s.shipped_at,
    s.delivered_at,
    date_part('epoch', s.shipped_at - o.ordered_at) / 3600 as handling_hours,
    cast(s.delivered_at as date) - cast(s.shipped_at as date) as transit_days,
    case
        when s.delivered_at is null then 'in transit'
        when cast(s.delivered_at as date) - cast(s.shipped_at as date) <= 3 then 'on time'
        else 'late'
    end as delivery_status
from shipments s
join orders_enriched o on o.order_id = s.order_id
order by s.shipment_id
