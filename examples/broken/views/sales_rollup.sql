-- ERROR line 7: dependency cycle sales_rollup -> weekly_sales -> sales_rollup.
-- @description: Rollup of the weekly sales
-- @ordering: week
select
    week,
    sum(total) as total
from weekly_sales
group by week
order by week
