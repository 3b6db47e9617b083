{
    "name": "OneCard Devices",
    "summary": (
        "Consumption terminals: HTTP API, binary protocol gateway, simulator, "
        "desk card reader"
    ),
    "version": "18.0.1.0.0",
    "category": "Human Resources",
    "license": "LGPL-3",
    "author": "OneCard",
    "maintainers": ["OneCard"],
    "website": "https://github.com/OneCard/onecard",
    "development_status": "Beta",
    "depends": ["onecard_consume", "bus", "mail"],
    "data": [
        "security/ir.model.access.csv",
        "security/onecard_devices_security.xml",
        "data/onecard_devices_data.xml",
        "data/onecard_devices_cron.xml",
        "views/onecard_terminal_views.xml",
        "views/onecard_terminal_secret_show_views.xml",
        "views/onecard_terminal_dashboard_views.xml",
        "views/onecard_terminal_command_views.xml",
        "views/onecard_list_entry_views.xml",
        "views/onecard_desk_reader_views.xml",
    ],
    "demo": [
        "data/onecard_devices_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "onecard_devices/static/src/js/desk_reader.esm.js",
            "onecard_devices/static/src/js/last_seen_field.esm.js",
        ],
        "web.assets_tests": [
            "onecard_devices/static/tests/tours/desk_reader_tour.esm.js",
            "onecard_devices/static/tests/tours/terminal_tour.esm.js",
        ],
    },
    "installable": True,
}
