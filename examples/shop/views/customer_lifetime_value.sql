-- @description: Lifetime value and segment of every user, including those who never ordered
-- @ordering: user_id
-- @evidence: crm, finance
with per_customer as (
    select
        user_id,
        count(*) as order_count,
        sum(net_amount) as lifetime_value,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date,
        avg(days_since_previous) as avg_days_between_orders
    from customer_orders
    group by user_id
)
select
    u.user_id,
    u.name,
    u.country,
    u.signup_date,
    coalesce(c.order_count, 0) as order_count,
    coalesce(c.lifetime_value, 0) as lifetime_value,
    c.first_order_date,
    c.last_order_date,
    c.avg_days_between_orders,
    case
        when c.order_count is null then 'prospect'
        when c.lifetime_value >= 5000 then 'vip'
        when c.order_count >= 3 then 'repeat'
        else 'one-time'
    end as segment
from users_clean u
left join per_customer c on c.user_id = u.user_id
order by u.user_id
