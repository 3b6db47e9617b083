{
    "name": "OneCard Reports",
    "summary": "Consumption, top-up, terminal and settlement reports: screens, XLSX and PDF",
    "version": "18.0.1.0.0",
    "category": "Human Resources",
    "license": "LGPL-3",
    "author": "OneCard",
    "depends": ["onecard_consume"],
    "data": [],
    "installable": True,
}
