"""`viewls materialize` and `viewls preview` as a user runs them: from inside the project."""

from __future__ import annotations

import json
import shutil

import pyarrow.parquet as pq
import pytest

from tests.cli.test_cli import SHOP, viewls


@pytest.fixture
def shop(tmp_path):
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns("target"))
    return root


def test_a_full_run_then_a_no_op_run_from_a_subdirectory(shop):
    done = viewls("materialize", "--all", cwd=shop / "views")
    assert done.returncode == 0, done.stderr
    assert "19 rebuilt, 0 up to date" in done.stdout
    assert "✓ top_customers: 25 rows" in done.stderr  # one progress line per view
    again = viewls("materialize", "--all", "--changed", "--json", cwd=shop)
    report = json.loads(again.stdout)
    assert again.returncode == 0 and report["summary"]["built"] == 0 and report["summary"]["up_to_date"] == 19
    assert viewls("materialize", "--all", "--changed", cwd=shop).stdout.strip().startswith(
        "0 rebuilt, 19 up to date in")


def test_selectors_output_directory_and_json(shop, tmp_path):
    out = tmp_path / "elsewhere"
    done = viewls("materialize", "+customer_keys", "--select", "product_catalog", "--output", str(out),
                  "--project", str(shop), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [v["name"] for v in report["views"]] == ["product_catalog", "users_clean", "customer_keys"]
    assert all(v["status"] == "built" and v["rows"] > 0 for v in report["views"])
    assert pq.read_table(out / "customer_keys.parquet").num_rows == report["views"][2]["rows"]
    assert not (shop / "target").exists()


def test_errors_refuse_the_run_and_usage_problems_exit_2(shop):
    view = shop / "views" / "product_sales.sql"
    view.write_text("SELECT nope FROM orders\n")
    refused = viewls("materialize", "--all", cwd=shop)
    assert refused.returncode == 1
    assert "nothing was run" in refused.stderr and "error[unknown-column]" in refused.stderr
    assert not (shop / "target").exists()
    assert viewls("materialize", cwd=shop).returncode == 2
    unknown = viewls("materialize", "top_customer", cwd=shop)
    assert unknown.returncode == 2 and "did you mean 'top_customers'" in unknown.stderr
    unsafe = viewls("materialize", "users_clean", "--output", str(shop / "data"), cwd=shop)
    assert unsafe.returncode == 2 and "next to extract inputs" in unsafe.stderr


def test_a_runtime_failure_exits_1_and_reports_skips(shop):
    view = shop / "views" / "users_clean.sql"
    view.write_text(view.read_text().replace("select", "select cast(name as int) as broken,", 1))
    failed = viewls("materialize", "users_clean+", cwd=shop)
    assert failed.returncode == 1
    assert "✗ users_clean: failed" in failed.stderr and "- customer_keys: skipped: upstream users_clean failed" \
        in failed.stderr
    assert "failed" in failed.stdout and "skipped" in failed.stdout


def test_preview_prints_the_first_rows_without_writing(shop):
    shown = viewls("preview", "top_customers", "--limit", "3", cwd=shop)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].split(" | ")[0].strip() == "value_rank" and len(lines) == 2 + 3
    assert [line.split("|")[0].strip() for line in lines[2:]] == ["1", "2", "3"]
    rows = json.loads(viewls("preview", "customer_keys", "--limit", "2", "--json", cwd=shop).stdout)
    assert rows["columns"][:2] == ["customer_key", "shard"] and len(rows["rows"]) == 2
    assert not (shop / "target").exists()
    assert viewls("preview", "nope", cwd=shop).returncode == 2


def test_a_file_saved_with_a_byte_order_mark_and_crlf_checks_and_runs(shop):
    view = shop / "views" / "users_clean.sql"
    view.write_bytes(b"\xef\xbb\xbf" + view.read_text().replace("\n", "\r\n").encode())
    assert viewls("check", cwd=shop).returncode == 0
    view.write_bytes(b"\xef\xbb\xbf" + b"SELECT nope FROM users\r\n")
    broken = viewls("check", "--format", "json", cwd=shop)
    (found,) = [d for d in json.loads(broken.stdout)["diagnostics"] if d["path"] == "views/users_clean.sql"]
    assert (found["line"], found["column"]) == (1, 8)  # the mark is not a character of the text
