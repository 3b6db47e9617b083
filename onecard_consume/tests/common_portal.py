"""Portal test base: holders A (Ann) and B (Ben) with their own portal users, a
guardian G of Cai and Dan, cards and money; the demo payment provider when
payment_demo is installed (tests/run installs it)."""

from freezegun import freeze_time

from odoo.tests import new_test_user

from .common import DAY, utc
from .common_money import CardMoneyCase


def setup_portal_people(cls):
    """Portal users and their accounts; cards with money (on cls)."""
    portal = "base.group_portal"
    cls.user_a = new_test_user(cls.env, login="oc_portal_a", groups=portal)
    cls.user_b = new_test_user(cls.env, login="oc_portal_b", groups=portal)
    cls.user_g = new_test_user(cls.env, login="oc_portal_g", groups=portal)
    cls.ann.partner_id = cls.user_a.partner_id
    cls.ben.partner_id = cls.user_b.partner_id
    (cls.cai | cls.dan).guardian_ids = cls.user_g.partner_id
    ledger = cls.env["onecard.ledger"]
    cls.cards = {}
    # on DAY's morning, so that settling DAY takes in every row
    with freeze_time(utc(DAY, 9)):
        for holder, uid in (
            (cls.ann, "7A000001"),
            (cls.ben, "7A000002"),
            (cls.cai, "7A000003"),
            (cls.dan, "7A000004"),
        ):
            cls.cards[holder] = ledger.issue_card(
                holder, uid, topup=100.0, method=cls.cash
            )


def setup_demo_provider(cls):
    """The demo provider, published, with a journal of its own (so the test can
    tell its postings from the desk's bank)."""
    cls.provider = cls.env.ref(
        "payment.payment_provider_demo", raise_if_not_found=False
    )
    if not cls.provider or cls.provider.code != "demo":
        cls.provider = None
        return
    cls.provider_journal = cls.env["account.journal"].create(
        {"name": "Demo provider", "code": "DEMOP", "type": "bank"}
    )
    cls.provider.write(
        {
            "state": "test",
            "is_published": True,
            "journal_id": cls.provider_journal.id,
            "company_id": cls.company.id,
        }
    )
    cls.demo_method = cls.env.ref("payment_demo.payment_method_demo")


class PortalCase(CardMoneyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_portal_people(cls)
