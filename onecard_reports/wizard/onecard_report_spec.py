"""What each report family is: its model, screen, grouped table and detail rows."""

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

REPORTS = [
    ("consumption", "Consumption Detail"),
    ("cardholder", "Consumption Summary per Cardholder"),
    ("category", "Amounts by Consumption Category"),
    ("topup", "Monthly Top-up Table"),
    ("terminal", "Terminal Statistics"),
    ("statistics", "Consumption Statistics"),
    ("fund", "Fund In/Out Statement"),
    ("statement", "Personal Statement"),
    ("settlement", "Settlement Report"),
]

# model, screen action, groups of the grouped table (PDF / XLSX), its measures,
# the columns of the detail rows export (None: no detail export), and the domain
# every path of the report starts from (screen, XLSX, PDF): the settlement report
# counts posted settlements only, as its menu's default filter "Posted" does, so a
# reversed and re-settled day is counted once.
SPECS = {
    "consumption": {
        "model": "onecard.report.consumption",
        "action": "onecard_reports.onecard_report_consumption_action",
        "groupby": ["date:day"],
        "measures": ["swipe_ref", "cash_amount", "subsidy_amount", "amount"],
        "rows": [
            ("business_time", None),
            ("cardholder_id.code", _lt("Code")),
            ("cardholder_id", None),
            ("department_id", None),
            ("cardholder_category_id", None),
            ("card_id", None),
            ("card_kind", None),
            ("consume_category_id", None),
            ("meal_period_id", None),
            ("canteen_id", None),
            ("terminal_id", None),
            ("wallet_kind", None),
            ("amount", None),
            ("offline", None),
            ("reversed", None),
        ],
    },
    "cardholder": {
        "model": "onecard.report.consumption",
        "action": "onecard_reports.onecard_report_cardholder_action",
        "groupby": ["cardholder_id", "department_id"],
        "measures": ["swipe_ref", "cash_amount", "subsidy_amount", "amount"],
    },
    "category": {
        "model": "onecard.report.consumption",
        "action": "onecard_reports.onecard_report_category_action",
        "groupby": ["date:%(period)s", "consume_category_id"],
        "measures": ["swipe_ref", "amount"],
    },
    "topup": {
        "model": "onecard.report.topup",
        "action": "onecard_reports.onecard_report_topup_action",
        "groupby": ["cardholder_id", "payment_method_id"],
        "measures": [
            "topup_count",
            "topup_amount",
            "to_temporary_amount",
            "to_official_amount",
            "refund_amount",
            "deposit_in_amount",
            "deposit_out_amount",
            "amount",
        ],
        "rows": [
            ("business_time", None),
            ("cardholder_id.code", _lt("Code")),
            ("cardholder_id", None),
            ("department_id", None),
            ("kind", None),
            ("wallet_kind", None),
            ("payment_method_id", None),
            ("amount", None),
        ],
    },
    "terminal": {
        "model": "onecard.report.swipe",
        "action": "onecard_reports.onecard_report_terminal_action",
        "groupby": ["terminal_id", "date:%(period)s", "meal_period_id"],
        "measures": [
            "swipe_count",
            "declined_count",
            "correction_count",
            "offline_count",
            "amount",
        ],
    },
    "statistics": {
        "model": "onecard.report.swipe",
        "action": "onecard_reports.onecard_report_statistics_action",
        "groupby": ["consume_category_id", "meal_period_id", "canteen_id"],
        "measures": ["swipe_count", "correction_count", "amount"],
    },
    "fund": {
        "model": "onecard.report.fund",
        "action": "onecard_reports.onecard_report_fund_action",
        "groupby": ["kind", "wallet_kind", "payment_method_id"],
        "measures": [
            "row_count",
            "received",
            "paid",
            "amount_in",
            "amount_out",
            "amount",
        ],
        "rows": [
            ("business_time", None),
            ("cardholder_id.code", _lt("Code")),
            ("cardholder_id", None),
            ("kind", None),
            ("wallet_kind", None),
            ("payment_method_id", None),
            ("canteen_id", None),
            ("amount", None),
        ],
    },
    "settlement": {
        "model": "onecard.report.settlement",
        "action": "onecard_reports.onecard_report_settlement_action",
        "groupby": ["settlement_id", "kind", "wallet_kind", "payment_method_id"],
        "measures": ["count", "amount_in", "amount_out", "amount"],
        "domain": [("state", "=", "posted")],
    },
}

# The rollup screens (onecard.report.rollup): the same grouped figures, read from
# per-day and per-month sums. The wizard takes them when every filter set is one
# they have (``filters``), and for "months" only over whole local months; else the
# report reads the ledger rows. Their detail rows (XLSX) are always the ledger's.
_DAY_FILTERS = {
    "department_id",
    "cardholder_category_id",
    "consume_category_id",
    "meal_period_id",
    "canteen_id",
    "terminal_id",
}
FAST_SPECS = {
    "cardholder": {
        "model": "onecard.report.holder.month",
        "action": "onecard_reports.onecard_report_holder_month_action",
        "groupby": ["cardholder_id", "department_id"],
        "measures": ["swipe_count", "cash_amount", "subsidy_amount", "amount"],
        "filters": {"department_id", "cardholder_category_id", "cardholder_id"},
        "months": True,
    },
    "category": {
        "model": "onecard.report.swipe.day",
        "action": "onecard_reports.onecard_report_swipe_day_action",
        "groupby": ["date:%(period)s", "consume_category_id"],
        "measures": ["swipe_count", "amount"],
        "filters": _DAY_FILTERS,
    },
    "terminal": {
        "model": "onecard.report.swipe.day",
        "action": "onecard_reports.onecard_report_swipe_day_action",
        "groupby": ["terminal_id", "date:%(period)s", "meal_period_id"],
        "measures": [
            "swipe_count",
            "declined_count",
            "correction_count",
            "offline_count",
            "amount",
        ],
        "filters": _DAY_FILTERS,
    },
    "statistics": {
        "model": "onecard.report.swipe.day",
        "action": "onecard_reports.onecard_report_swipe_day_action",
        "groupby": ["consume_category_id", "meal_period_id", "canteen_id"],
        "measures": ["swipe_count", "correction_count", "amount"],
        "filters": _DAY_FILTERS,
    },
    "fund": {
        "model": "onecard.report.ledger.day",
        "action": "onecard_reports.onecard_report_ledger_day_action",
        "groupby": ["kind", "wallet_kind", "payment_method_id"],
        "measures": [
            "row_count",
            "received",
            "paid",
            "amount_in",
            "amount_out",
            "amount",
        ],
        "filters": {"department_id", "canteen_id"},
    },
}
