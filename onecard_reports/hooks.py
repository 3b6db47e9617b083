from odoo.tools import SQL

from .tools import rollup_sql


def uninstall_hook(env):
    """The rollup tables and tail functions are not a model's (Odoo drops those):
    drop them with the addon, and the rollup report views on them (CASCADE)."""
    for name in [*rollup_sql.TABLES, "onecard_rollup_state"]:
        env.cr.execute(SQL("DROP TABLE IF EXISTS %s CASCADE", SQL.identifier(name)))
    for name in rollup_sql.TAILS:
        env.cr.execute(
            SQL("DROP FUNCTION IF EXISTS %s() CASCADE", SQL.identifier(name))
        )
