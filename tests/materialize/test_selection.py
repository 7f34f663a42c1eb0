"""dbt-style selectors over the shop's graph."""

from __future__ import annotations

import pytest

from viewls.materialize.selection import SelectionError, select


@pytest.mark.parametrize(("selectors", "expected"), [
    (["users_clean"], {"users_clean"}),
    (["customer_keys+"], {"customer_keys"}),
    (["+customer_keys"], {"customer_keys", "users_clean"}),
    (["+top_customers"], {"top_customers", "customer_lifetime_value", "customer_orders", "orders_enriched",
                          "users_clean", "order_lines", "product_catalog"}),
    (["users_clean+"], {"users_clean", "customer_keys", "orders_enriched", "customer_orders",
                        "customer_lifetime_value", "top_customers", "delivery_times", "carrier_scorecard",
                        "daily_revenue"}),
    (["+customer_keys+", "product_catalog"], {"customer_keys", "users_clean", "product_catalog"}),
])
def test_selectors(shop, selectors, expected):
    snapshot = shop.snapshot()
    chosen = select(snapshot, selectors)
    assert chosen == expected
    for name in chosen:  # exactly the graph's closure, extracts excluded
        assert name in snapshot.views


def test_unknown_names_and_extracts_are_refused_with_a_reason(shop):
    snapshot = shop.snapshot()
    with pytest.raises(SelectionError, match="'users_clen' is no view of this project; did you mean 'users_clean'"):
        select(snapshot, ["users_clen+"])
    with pytest.raises(SelectionError, match="'orders' is an extract, and extracts are not built"):
        select(snapshot, ["orders"])
