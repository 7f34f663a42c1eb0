from viewls.spec import ViewSpec, view


@view(description="Paid orders", ordering=["id"])
def builder_paid():
    return "SELECT id, amount FROM orders WHERE status = 'paid'"


@view
def builder_unknown_column():
    return "SELECT idd FROM orders"
#                  ^^^ error[unknown-column] view 'builder_unknown_column': unknown column 'idd'


@view
def builder_raises():
    raise ValueError("no data")
#   ^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[builder-error] the builder raised: ValueError: no data


def views():
    for table in ("orders", "users"):
        yield ViewSpec(f"builder_{table}_copy", f"SELECT idx FROM {table}")
#       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[unknown-column] view 'builder_orders_copy': unknown column 'idx'


def per_user(row):
    return f"SELECT user_id, count(*) AS n FROM {row.source} GROUP BY user_id"
