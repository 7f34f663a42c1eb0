-- @description: Revenue per category and calendar month with month-over-month growth
-- @ordering: category, month
-- @evidence: finance
with monthly as (
    select
        l.category,
        date_trunc('month', o.ordered_at) as month,
        sum(l.net_amount) as revenue
    from order_lines l
    join orders o on o.order_id = l.order_id
    where o.status <> 'cancelled'
    group by l.category, date_trunc('month', o.ordered_at)
)
select
    category,
    month,
    revenue,
    lag(revenue) over (partition by category order by month) as previous_revenue,
    case
        when lag(revenue) over (partition by category order by month) is null then null
        else round(100.0 * cast(revenue - lag(revenue) over (partition by category order by month) as double)
            / cast(lag(revenue) over (partition by category order by month) as double), 1)
    end as growth_pct
from monthly
order by category, month
