{
    "name": "OneCard Reports",
    "summary": (
        "Consumption, top-up, terminal and settlement reports: screens, XLSX and PDF"
    ),
    "version": "18.0.1.1.0",
    "category": "Human Resources",
    "license": "LGPL-3",
    "author": "OneCard",
    "maintainers": ["OneCard"],
    "website": "https://github.com/OneCard/onecard",
    "development_status": "Beta",
    "depends": ["onecard_consume"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/ir.model.access.csv",
        "security/onecard_reports_security.xml",
        "data/onecard_reports_cron.xml",
        "report/onecard_report_templates.xml",
        "report/onecard_report_statement_templates.xml",
        "report/onecard_report_statement_debt_templates.xml",
        "report/onecard_report_summary_templates.xml",
        "report/onecard_report_settlement_templates.xml",
        "views/onecard_report_consumption_views.xml",
        "views/onecard_report_swipe_views.xml",
        "views/onecard_report_fund_views.xml",
        "views/onecard_report_topup_views.xml",
        "views/onecard_report_rollup_views.xml",
        "views/onecard_report_settlement_views.xml",
        "views/onecard_report_export_views.xml",
        "views/onecard_report_dashboard_views.xml",
        "wizard/onecard_report_wizard_views.xml",
        "views/onecard_reports_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "onecard_reports/static/src/dashboard/*",
        ],
        "web.assets_tests": [
            "onecard_reports/static/tests/tours/*.esm.js",
        ],
    },
    "installable": True,
}
