"""Select items from tokens: each case lists every select list, innermost first."""

from __future__ import annotations

import pytest

from viewls.sql.select_lists import select_lists


@pytest.mark.parametrize(("text", "expected"), [
    ("select distinct a, sum(x) over (order by y), case when a then 1 end as c from t",
     [["a", "sum(x) over (order by y)", "case when a then 1 end as c"]]),
    ("select (select max(x) from t) as m, a is distinct from b, * except (c) from t",
     [["max(x)"], ["(select max(x) from t) as m", "a is distinct from b", "* except (c)"]]),
    ("with c as (select a, b from t) select c.a from c union all select 1 order by 1",
     [["a", "b"], ["c.a"], ["1"]]),
    ("select 'unterminated", []),
])
def test_select_lists(text, expected):
    assert [[text[s.start:s.end] for s in items] for items in select_lists(text)] == expected
