"""Regenerate the shop example's data files (committed, so the demo needs no step).

Deterministic: a seeded ``random.Random`` and pure pyarrow, no clock or locale input.
Each extract uses a different format on purpose (CSV, JSON lines, Parquet, Arrow IPC)
so that the example exercises every reader viewls supports.

    python examples/shop/generate_data.py
"""

from __future__ import annotations

import csv
import json
import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

DATA = Path(__file__).parent / "data"
START = datetime(2024, 1, 1)
DAYS = 366  # 2024

FIRST = ["Ada", "Ben", "Chloe", "Dan", "Eva", "Finn", "Grace", "Hugo", "Iris", "Jonas",
         "Kira", "Liam", "Mia", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sam", "Tara"]
LAST = ["Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hansen", "Ito",
        "Jensen", "Kowalski", "Lopez", "Meyer", "Novak", "Olsen", "Petit", "Rossi"]
COUNTRIES = ["DE", "FR", "ES", "IT", "NL", "SE", "PL", "US"]
CATALOG = {
    "books": ["Atlas", "Cookbook", "Novel", "Field Guide", "Sketchbook"],
    "kitchen": ["Kettle", "Chef Knife", "Cutting Board", "Espresso Cups", "Skillet"],
    "outdoor": ["Tent", "Headlamp", "Water Bottle", "Trail Map", "Camp Stove"],
    "electronics": ["Headphones", "Charger", "E-Reader", "Speaker", "Power Bank"],
    "apparel": ["Rain Jacket", "Wool Socks", "Beanie", "Hoodie", "Trail Shoes"],
}
CARRIERS = ["DHL", "UPS", "PostNL", "La Poste"]


def users(rng: random.Random, n: int = 300) -> list[dict]:
    rows = []
    for user_id in range(1, n + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first}.{last}{user_id}@example.com"
        # Raw CRM data is messy: mixed-case and padded emails, a few missing countries.
        if rng.random() < 0.2:
            email = f" {email.upper()} "
        rows.append({
            "user_id": user_id,
            "name": f"{first} {last}",
            "email": email,
            "country": "" if rng.random() < 0.03 else rng.choice(COUNTRIES),
            "signup_date": (START - timedelta(days=rng.randrange(400))
                            + timedelta(days=rng.randrange(200))).date().isoformat(),
            "marketing_opt_in": rng.random() < 0.4,
        })
    return rows


def products(rng: random.Random) -> list[dict]:
    rows, product_id = [], 100
    for category, names in CATALOG.items():
        for name in names:
            for edition in ("Classic", "Pro"):
                product_id += 1
                price = rng.randrange(5, 150) + 0.99 + (40 if edition == "Pro" else 0)
                rows.append({
                    "product_id": product_id,
                    "sku": f"{category[:3].upper()}-{product_id}",
                    "name": f"{name} {edition}",
                    "category": category,
                    "price": round(price, 2),
                    "cost": round(price * rng.uniform(0.35, 0.7), 2),
                    # JSON has no date type: this stays a string until a view casts it.
                    "launched_on": date(2023, rng.randrange(1, 13), rng.randrange(1, 29)).isoformat(),
                    "active": rng.random() < 0.9,
                })
    return rows


def orders(rng: random.Random, user_rows: list[dict], product_rows: list[dict]):
    # The last products launched too late to sell: unsold_products is not empty.
    sellable = product_rows[:-4]
    # A minority of loyal customers place most orders; some users never order.
    weights = [rng.paretovariate(2.5) if rng.random() < 0.9 else 0 for _ in user_rows]
    order_rows, item_rows, shipment_rows = [], [], []
    for order_id in range(1, 2001):
        user = rng.choices(user_rows, weights)[0]
        ordered_at = START + timedelta(days=rng.randrange(DAYS), seconds=rng.randrange(86400))
        status = rng.choices(["delivered", "shipped", "cancelled", "returned", "placed"],
                             [70, 10, 8, 7, 5])[0]
        order_rows.append({
            "order_id": order_id,
            "user_id": user["user_id"],
            "ordered_at": ordered_at,
            "status": status,
            "channel": rng.choices(["web", "mobile", "store"], [5, 4, 1])[0],
            "coupon_code": rng.choice(["WELCOME10", "SUMMER", "VIP"]) if rng.random() < 0.15 else None,
        })
        for line_number, product in enumerate(rng.sample(sellable, rng.randint(1, 4)), 1):
            item_rows.append({
                "order_id": order_id,
                "line_number": line_number,
                "product_id": product["product_id"],
                "quantity": rng.choices([1, 2, 3, 5], [70, 20, 7, 3])[0],
                "unit_price": Decimal(str(product["price"])),
                "discount": Decimal(rng.choice(["0.00", "0.00", "0.00", "2.50", "5.00"])),
            })
        if status in ("shipped", "delivered", "returned"):
            shipped_at = ordered_at + timedelta(hours=rng.randint(4, 72))
            delivered = status != "shipped"
            shipment_rows.append({
                "shipment_id": 10_000 + order_id,
                "order_id": order_id,
                "carrier": rng.choice(CARRIERS),
                "warehouse": rng.choice(["AMS", "BER"]),
                "shipped_at": shipped_at,
                "delivered_at": shipped_at + timedelta(hours=rng.choice([20, 26, 44, 50, 68, 90, 140]) + rng.randint(0, 5)) if delivered else None,
            })
    return order_rows, item_rows, shipment_rows


def main() -> None:
    rng = random.Random(20240101)
    DATA.mkdir(exist_ok=True)
    user_rows, product_rows = users(rng), products(rng)
    order_rows, item_rows, shipment_rows = orders(rng, user_rows, product_rows)

    with open(DATA / "users.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(user_rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, "marketing_opt_in": str(row["marketing_opt_in"]).lower()} for row in user_rows)

    with open(DATA / "products.jsonl", "w") as f:
        f.writelines(json.dumps(row) + "\n" for row in product_rows)

    money = pa.decimal128(10, 2)
    pq.write_table(pa.Table.from_pylist(order_rows, pa.schema([
        ("order_id", pa.int64()), ("user_id", pa.int64()), ("ordered_at", pa.timestamp("us")),
        ("status", pa.string()), ("channel", pa.string()), ("coupon_code", pa.string()),
    ])), DATA / "orders.parquet")
    pq.write_table(pa.Table.from_pylist(item_rows, pa.schema([
        ("order_id", pa.int64()), ("line_number", pa.int32()), ("product_id", pa.int64()),
        ("quantity", pa.int32()), ("unit_price", money), ("discount", money),
    ])), DATA / "order_items.parquet")

    shipments = pa.Table.from_pylist(shipment_rows, pa.schema([
        ("shipment_id", pa.int64()), ("order_id", pa.int64()), ("carrier", pa.string()),
        ("warehouse", pa.string()), ("shipped_at", pa.timestamp("us")),
        ("delivered_at", pa.timestamp("us")),
    ]))
    with pa.OSFile(str(DATA / "shipments.arrow"), "wb") as sink, pa.ipc.new_file(sink, shipments.schema) as writer:
        writer.write_table(shipments)


if __name__ == "__main__":
    main()
