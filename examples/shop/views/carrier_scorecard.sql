-- @description: On-time rate and average transit time per carrier and warehouse
-- @ordering: carrier, warehouse
-- @evidence: logistics
select
    carrier,
    warehouse,
    count(*) as shipments,
    count(delivered_at) as delivered,
    avg(transit_days) as avg_transit_days,
    round(100.0 * sum(case when delivery_status = 'on time' then 1 else 0 end) / count(delivered_at), 1) as on_time_pct
from delivery_times
group by carrier, warehouse
order by carrier, warehouse
