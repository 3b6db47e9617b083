def post_init_hook(env):
    """Give every company with a chart its card accounts, journal and payment
    journals."""
    env["res.company"].search([])._onecard_ensure_accounting()
