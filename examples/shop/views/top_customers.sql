-- @description: The 25 customers with the highest lifetime value and their share of revenue
-- @ordering: value_rank
-- @evidence: crm, finance
select value_rank, user_id, name, country, segment, order_count, lifetime_value, revenue_share
from (
    select
        rank() over (order by lifetime_value desc) as value_rank,
        user_id,
        name,
        country,
        segment,
        order_count,
        lifetime_value,
        round(100.0 * cast(lifetime_value as double) / sum(cast(lifetime_value as double)) over (), 2) as revenue_share
    from customer_lifetime_value
    where order_count > 0
) ranked
where value_rank <= 25
order by value_rank
