"""What portal users may read of the card models.

Record rules (security/onecard_portal_security.xml) decide which records a
portal user sees (their own accounts and their dependants'); these lists decide
which fields of them: ``read`` / ``search_read`` / ``web_search_read`` as a
portal user answer only these, and asking for another field is an AccessError.
The five small extensions sit in one file because they are one policy.
"""

from odoo import models
from odoo.exceptions import AccessError


def restrict_portal_fields(records, operation, field_names, allowed):
    env = records.env
    if env.su or not env.user.share:
        return field_names
    if field_names is None:
        return [name for name in records._fields if name in allowed]
    refused = [
        name for name in field_names if name in records._fields and name not in allowed
    ]
    if refused:
        raise AccessError(
            env._(
                "You may not read %(fields)s of %(model)s.",
                fields=", ".join(refused),
                model=records._description,
            )
        )
    return field_names


COMMON = {"id", "display_name", "company_id", "currency_id", "cardholder_id"}
HOLDER_FIELDS = COMMON - {"cardholder_id"} | {
    "name",
    "code",
    "state",
    "card_ids",
    "wallet_ids",
    "cash_balance",
    "subsidy_balance",
    "temporary_balance",
    "deposit_balance",
}
CARD_FIELDS = COMMON | {"number", "kind", "state", "expiry_date"}
WALLET_FIELDS = COMMON | {"kind", "balance"}
ROW_FIELDS = COMMON | {
    "operation_id",
    "kind",
    "wallet_kind",
    "card_id",
    "amount",
    "balance_after",
    "business_time",
}
OPERATION_FIELDS = COMMON | {
    "name",
    "kind",
    "state",
    "card_id",
    "amount",
    "business_time",
    "reason_code",
    "message",
}


class _PortalFields:
    _portal_fields = frozenset()

    def check_field_access_rights(self, operation, field_names):
        field_names = super().check_field_access_rights(operation, field_names)
        return restrict_portal_fields(self, operation, field_names, self._portal_fields)


class OnecardCardholder(_PortalFields, models.Model):
    _inherit = "onecard.cardholder"
    _portal_fields = HOLDER_FIELDS


class OnecardCard(_PortalFields, models.Model):
    _inherit = "onecard.card"
    _portal_fields = CARD_FIELDS


class OnecardWallet(_PortalFields, models.Model):
    _inherit = "onecard.wallet"
    _portal_fields = WALLET_FIELDS


class OnecardTransaction(_PortalFields, models.Model):
    _inherit = "onecard.transaction"
    _portal_fields = ROW_FIELDS


class OnecardOperation(_PortalFields, models.Model):
    _inherit = "onecard.operation"
    _portal_fields = OPERATION_FIELDS
