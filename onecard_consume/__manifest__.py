{
    "name": "OneCard Consumption",
    "summary": "One-card (一卡通) accounts, cards, wallets, ledger and the consumption engine",
    "version": "18.0.1.0.0",
    "category": "Human Resources",
    "license": "LGPL-3",
    "author": "OneCard",
    "depends": ["hr", "account", "mail"],
    "data": [
        "security/onecard_security.xml",
        "security/ir.model.access.csv",
        "data/onecard_data.xml",
        "data/onecard_cron.xml",
    ],
    "demo": [
        "data/onecard_demo.xml",
    ],
    "assets": {},
    "post_init_hook": "post_init_hook",
    "application": True,
    "installable": True,
}
