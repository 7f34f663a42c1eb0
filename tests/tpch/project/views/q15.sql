-- @description: TPC-H Q15 top supplier: the suppliers with the highest revenue0 in the quarter
-- @ordering: s_suppkey
select
    s_suppkey,
    s_name,
    s_address,
    s_phone,
    total_revenue
from
    supplier,
    revenue0
where
    s_suppkey = supplier_no
    and total_revenue = (
        select
            max(total_revenue)
        from
            revenue0
    )
order by
    s_suppkey
