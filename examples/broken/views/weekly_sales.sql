-- ERROR line 7: dependency cycle weekly_sales -> sales_rollup -> weekly_sales.
-- @description: Sales per week, read back from the rollup
-- @ordering: week
select
    week,
    total
from sales_rollup
order by week
