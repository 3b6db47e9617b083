from odoo.tests import new_test_user, tagged

from .common_portal import PortalCase


@tagged("post_install", "-at_install")
class TestPortalGrant(PortalCase):
    """Who gets portal access: employees through their work contact, visitors
    through an invitation from the cardholder form, a department in bulk."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.desk = new_test_user(
            cls.env,
            login="oc_portal_desk",
            groups="onecard_consume.group_onecard_operator,base.group_partner_manager",
        )

    def test_employee_work_contact(self):
        employee = self.env["hr.employee"].create({"name": "Eve Employee"})
        holder = self.env["onecard.cardholder"].create(
            {"name": "Eve", "code": "P-EVE", "employee_id": employee.id}
        )
        self.assertEqual(holder.partner_id, employee.work_contact_id)

    def test_invite_visitor(self):
        visitor = self.env["onecard.cardholder"].create(
            {"name": "Vic Visitor", "code": "V01"}
        )
        action = visitor.with_user(self.desk).action_grant_portal()
        self.assertEqual(action["res_model"], "portal.wizard")
        self.assertTrue(visitor.partner_id)
        wizard = self.env["portal.wizard"].browse(action["res_id"])
        line = wizard.user_ids.filtered(lambda u: u.partner_id == visitor.partner_id)
        line.email = "vic@example.com"
        line.with_user(self.desk).action_grant_access()
        user = visitor.partner_id.user_ids
        self.assertTrue(user.has_group("base.group_portal"))
        self.assertEqual(
            self.env["onecard.cardholder"].with_user(user).search([]), visitor
        )

    def test_department_bulk(self):
        action = self.env.ref(
            "onecard_consume.hr_department_action_onecard_grant_portal"
        )
        result = (
            action.with_user(self.desk)
            .with_context(
                active_model="hr.department",
                active_ids=self.workshop.ids,
                active_id=self.workshop.id,
            )
            .run()
        )
        wizard = self.env["portal.wizard"].browse(result["res_id"])
        self.assertEqual(
            wizard.partner_ids,
            (self.ann | self.ben | self.cai | self.dan).partner_id
            | self.user_g.partner_id,
        )
