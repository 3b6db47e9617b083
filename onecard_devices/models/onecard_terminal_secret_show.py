from odoo import fields, models


class OnecardTerminalSecretShow(models.AbstractModel):
    """Shows a terminal's serial number and secret to a manager, to type into the
    terminal's setup.

    The secret has to stay readable (the server computes the same HMAC with it),
    so unlike a desk reader token it can be shown again; the form only shows it
    on request, never in the terminal form itself.
    """

    _name = "onecard.terminal.secret.show"
    _description = "Show Terminal Secret"

    # the field 'id' is necessary for the onchange that returns the default values
    id = fields.Id()
    terminal_name = fields.Char(readonly=True)
    serial_number = fields.Char(readonly=True)
    secret = fields.Char(readonly=True)
