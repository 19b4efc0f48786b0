#!/usr/bin/env python3
"""Pages through every endpoint Keeper reads with Square's official Python SDK
(`squareup`) against a Square-compatible server, for one window, and prints a JSON
report on stdout.

Checks: every raw response body re-validates against the SDK's pydantic response model
(the SDK itself builds responses without validation); no page carries a cursor while
empty; no id repeats within one listing; every object lies inside its requested window;
search endpoints are looped on their cursor with the original query resent.

Usage: sdk_check.py --base-url URL --token TOKEN --begin RFC3339 --end RFC3339
"""

import argparse
import datetime as dt
import json
import re
import sys

import httpx
import square
from square import Square
import importlib


def _model(name):
    """Imports a response model from its own module (`square.types.<snake_name>`)."""
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    return getattr(importlib.import_module(f"square.types.{snake}"), name)


BatchGetOrdersResponse = _model("BatchGetOrdersResponse")
GetCustomerResponse = _model("GetCustomerResponse")
GetLoyaltyProgramResponse = _model("GetLoyaltyProgramResponse")
GetMerchantResponse = _model("GetMerchantResponse")
GetPaymentResponse = _model("GetPaymentResponse")
ListBookingsResponse = _model("ListBookingsResponse")
ListCatalogResponse = _model("ListCatalogResponse")
ListCustomersResponse = _model("ListCustomersResponse")
ListLocationsResponse = _model("ListLocationsResponse")
ListMerchantsResponse = _model("ListMerchantsResponse")
ListPaymentRefundsResponse = _model("ListPaymentRefundsResponse")
ListPaymentsResponse = _model("ListPaymentsResponse")
RetrieveTokenStatusResponse = _model("RetrieveTokenStatusResponse")
SearchCatalogObjectsResponse = _model("SearchCatalogObjectsResponse")
SearchCustomersResponse = _model("SearchCustomersResponse")
SearchLoyaltyAccountsResponse = _model("SearchLoyaltyAccountsResponse")
SearchLoyaltyEventsResponse = _model("SearchLoyaltyEventsResponse")
SearchOrdersResponse = _model("SearchOrdersResponse")
SearchTeamMembersResponse = _model("SearchTeamMembersResponse")

# (method, path or path prefix ending in '/') -> (response model, key of the item array)
MODELS = [
    ("GET", "/v2/merchants/", GetMerchantResponse, None),
    ("GET", "/v2/merchants", ListMerchantsResponse, "merchant"),
    ("GET", "/v2/locations", ListLocationsResponse, "locations"),
    ("GET", "/v2/customers", ListCustomersResponse, "customers"),
    ("POST", "/v2/customers/search", SearchCustomersResponse, "customers"),
    ("GET", "/v2/customers/", GetCustomerResponse, None),
    ("GET", "/v2/payments", ListPaymentsResponse, "payments"),
    ("GET", "/v2/payments/", GetPaymentResponse, None),
    ("GET", "/v2/refunds", ListPaymentRefundsResponse, "refunds"),
    ("POST", "/v2/orders/search", SearchOrdersResponse, None),
    ("POST", "/v2/orders/batch-retrieve", BatchGetOrdersResponse, "orders"),
    ("GET", "/v2/bookings", ListBookingsResponse, "bookings"),
    ("GET", "/v2/catalog/list", ListCatalogResponse, "objects"),
    ("POST", "/v2/catalog/search", SearchCatalogObjectsResponse, "objects"),
    ("POST", "/v2/team-members/search", SearchTeamMembersResponse, "team_members"),
    ("GET", "/v2/loyalty/programs/", GetLoyaltyProgramResponse, None),
    ("POST", "/v2/loyalty/accounts/search", SearchLoyaltyAccountsResponse, "loyalty_accounts"),
    ("POST", "/v2/loyalty/events/search", SearchLoyaltyEventsResponse, "events"),
    ("POST", "/oauth2/token/status", RetrieveTokenStatusResponse, None),
]


def model_for(method, path):
    for m, p, model, key in MODELS:
        if m != method:
            continue
        if p.endswith("/") and path.startswith(p) and path != p.rstrip("/"):
            return model, key
        if path == p:
            return model, key
    return None, None


def ts(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


def iso(d):
    return d.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class Checker:
    def __init__(self):
        self.bodies = []
        self.report = {
            "sdk_version": getattr(square, "__version__", None) or _sdk_version(),
            "requests": 0,
            "validated_bodies": 0,
            "parse_errors": [],
            "anomalies": [],
            "out_of_window": [],
            "counts": {},
        }

    def hook(self, response):
        response.read()
        self.bodies.append((response.request.method, response.request.url.path, response.status_code, response.text))

    def validate_bodies(self):
        for method, path, status, text in self.bodies:
            self.report["requests"] += 1
            if status != 200:
                self.report["parse_errors"].append(f"{method} {path}: HTTP {status}: {text[:200]}")
                continue
            try:
                body = json.loads(text)
            except ValueError as e:
                self.report["parse_errors"].append(f"{method} {path}: not JSON: {e}")
                continue
            model, key = model_for(method, path)
            if model is None:
                self.report["parse_errors"].append(f"{method} {path}: no SDK model known")
                continue
            try:
                model.model_validate(body)
                self.report["validated_bodies"] += 1
            except Exception as e:  # pydantic.ValidationError and friends
                self.report["parse_errors"].append(f"{method} {path}: {str(e)[:500]}")
            keys = [key] if key else (["orders", "order_entries"] if path == "/v2/orders/search" else [])
            cursor = body.get("cursor")
            if cursor not in (None, "") and keys and not any(body.get(k) for k in keys):
                self.report["anomalies"].append(f"{method} {path}: empty page with a cursor")

    def ids(self, name, objects):
        ids = [o.id for o in objects]
        dupes = len(ids) - len(set(ids))
        if dupes:
            self.report["anomalies"].append(f"{name}: {dupes} duplicate ids")
        self.report["counts"][name] = self.report["counts"].get(name, 0) + len(ids)
        return ids

    def window(self, name, objects, field, lo, hi, hi_inclusive=False, lo_exclusive=False):
        for o in objects:
            v = getattr(o, field)
            t = ts(v)
            below = t <= lo if lo_exclusive else t < lo
            above = t > hi if hi_inclusive else t >= hi
            if below or above:
                self.report["out_of_window"].append(f"{name} {o.id}: {field}={v} outside [{iso(lo)}, {iso(hi)}]")


def _sdk_version():
    try:
        from importlib.metadata import version

        return version("squareup")
    except Exception:
        return None


def search_all(call, key, **kwargs):
    """Loops a search endpoint on its cursor, resending the original query."""
    out, cursor, pages = [], None, 0
    while True:
        resp = call(**kwargs, **({"cursor": cursor} if cursor else {}))
        out.extend(getattr(resp, key) or [])
        pages += 1
        cursor = resp.cursor
        if not cursor or pages > 100_000:
            return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base-url", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--begin", required=True)
    ap.add_argument("--end", required=True)
    a = ap.parse_args()
    begin, end = ts(a.begin), ts(a.end)
    ck = Checker()
    http = httpx.Client(timeout=60, event_hooks={"response": [ck.hook]})
    sq = Square(token=a.token, base_url=a.base_url, httpx_client=http, version="2025-08-20")

    merchants = list(sq.merchants.list())
    ck.ids("merchants", merchants)
    sq.merchants.get("me")
    locations = sq.locations.list().locations or []
    ck.ids("locations", locations)
    location_ids = [l.id for l in locations]
    sq.o_auth.retrieve_token_status()

    customers = list(sq.customers.list(limit=100, sort_field="CREATED_AT", sort_order="ASC"))
    ck.ids("customers", customers)
    if customers:
        sq.customers.get(customers[0].id)
    rng = {"start_at": iso(begin), "end_at": iso(end)}
    created = search_all(sq.customers.search, "customers", limit=100,
                         query={"filter": {"created_at": rng}, "sort": {"field": "CREATED_AT", "order": "ASC"}})
    ck.ids("customers_search_created", created)
    ck.window("customers_search_created", created, "created_at", begin, end)
    updated = search_all(sq.customers.search, "customers", limit=100,
                         query={"filter": {"updated_at": rng}, "sort": {"field": "CREATED_AT", "order": "ASC"}})
    ck.ids("customers_search_updated", updated)
    ck.window("customers_search_updated", updated, "updated_at", begin, end)

    payments = []
    for lid in location_ids:
        page = list(sq.payments.list(begin_time=iso(begin), end_time=iso(end), sort_order="ASC", location_id=lid, limit=100))
        ck.window("payments", page, "created_at", begin, end)
        payments.extend(page)
    ck.ids("payments", payments)
    if payments:
        sq.payments.get(payments[0].id)
    refunds = list(sq.refunds.list(begin_time=iso(begin), end_time=iso(end), sort_order="ASC", limit=100))
    ck.ids("refunds", refunds)
    ck.window("refunds", refunds, "created_at", begin, end)

    orders = search_all(sq.orders.search, "orders", location_ids=location_ids[:10], limit=500, return_entries=False,
                        query={"filter": {"date_time_filter": {"created_at": rng}}, "sort": {"sort_field": "CREATED_AT", "sort_order": "ASC"}})
    ck.ids("orders", orders)
    ck.window("orders", orders, "created_at", begin, end, hi_inclusive=True)
    entries = search_all(sq.orders.search, "order_entries", location_ids=location_ids[:10], limit=1000, return_entries=True,
                         query={"filter": {"date_time_filter": {"updated_at": rng}}, "sort": {"sort_field": "UPDATED_AT", "sort_order": "DESC"}})
    ck.report["counts"]["order_entries_updated"] = len(entries)
    if len({e.order_id for e in entries}) != len(entries):
        ck.report["anomalies"].append("order_entries: duplicate ids")
    if orders:
        got = sq.orders.batch_get(order_ids=[o.id for o in orders[:99]] + ["unknown-order-id"]).orders or []
        ck.report["counts"]["orders_batch"] = len(got)

    bookings, lo = [], begin
    horizon = end + dt.timedelta(days=62)
    while lo < horizon:
        hi = min(lo + dt.timedelta(days=31), horizon)
        page = list(sq.bookings.list(start_at_min=iso(lo), start_at_max=iso(hi), limit=100))
        ck.window("bookings", page, "start_at", lo, hi)
        bookings.extend(page)
        lo = hi
    ck.ids("bookings", bookings)

    types = "ITEM,ITEM_VARIATION,MODIFIER_LIST,MODIFIER,CATEGORY,TAX"
    catalog = list(sq.catalog.list(types=types))
    ck.ids("catalog", catalog)
    changed = search_all(sq.catalog.search, "objects", object_types=types.split(","), include_deleted_objects=True,
                         begin_time=iso(begin), limit=1000)
    ck.ids("catalog_search", changed)
    ck.window("catalog_search", changed, "updated_at", begin, end + dt.timedelta(days=3650), lo_exclusive=True)
    ck.report["counts"]["catalog_deleted_seen"] = sum(1 for o in changed if o.is_deleted)

    team = search_all(sq.team_members.search, "team_members", limit=200)
    ck.ids("team_members", team)
    sq.loyalty.programs.get("main")
    accounts = search_all(sq.loyalty.accounts.search, "loyalty_accounts", limit=200)
    ck.ids("loyalty_accounts", accounts)
    events = search_all(sq.loyalty.search_events, "events", limit=30,
                        query={"filter": {"date_time_filter": {"created_at": rng}}})
    ck.ids("loyalty_events", events)
    ck.window("loyalty_events", events, "created_at", begin, end)
    stamps = [ts(e.created_at) for e in events]
    if any(b > a for a, b in zip(stamps, stamps[1:])):
        ck.report["anomalies"].append("loyalty_events: not newest first")

    ck.validate_bodies()
    json.dump(ck.report, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
