from odoo import fields, models


class OnecardDeskReaderTokenShow(models.AbstractModel):
    """Shows a freshly generated desk reader token once (never stored, like
    res.users.apikeys.show)."""

    _name = "onecard.desk.reader.token.show"
    _description = "Show Desk Reader Token"

    # the field 'id' is necessary for the onchange that returns the default values
    id = fields.Id()
    token = fields.Char(readonly=True)
    reader_name = fields.Char(readonly=True)
