from .tools import rollup_sql


def uninstall_hook(env):
    """The rollup tables and tail functions are not a model's (Odoo drops those):
    drop them with the addon, and the rollup report views on them (CASCADE)."""
    for name in [*rollup_sql.TABLES, "onecard_rollup_state"]:
        env.cr.execute(f"DROP TABLE IF EXISTS {name} CASCADE")  # noqa: S608 - our names
    for name in rollup_sql.TAILS:
        env.cr.execute(f"DROP FUNCTION IF EXISTS {name}() CASCADE")
