"""One-Card roles are one selection on the user form, outside debug mode too
(issue 17, item 5)."""

from lxml import etree

from odoo.tests import Form, TransactionCase, tagged

from odoo.addons.base.models.res_users import name_selection_groups


@tagged("post_install", "-at_install")
class TestUserRoles(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.operator = ref("onecard_consume.group_onecard_operator")
        cls.accountant = ref("onecard_consume.group_onecard_accountant")
        cls.manager = ref("onecard_consume.group_onecard_manager")
        cls.roles = cls.operator | cls.accountant | cls.manager
        cls.field = name_selection_groups(
            (cls.operator + cls.accountant + cls.manager).ids
        )

    def test_roles_are_a_selection(self):
        by_app = self.env["res.groups"].get_groups_by_application()
        apps = {app: (kind, groups) for app, kind, groups, _section in by_app}
        kind, groups = apps[self.env.ref("onecard_consume.module_category_onecard")]
        self.assertEqual(kind, "selection")
        self.assertEqual(groups, self.operator + self.accountant + self.manager)
        field = self.env["res.users"].fields_get([self.field])[self.field]
        self.assertEqual(field["type"], "selection")
        self.assertEqual(
            [value for value, _label in field["selection"]],
            [False, *self.roles.ids],
        )

    def test_field_on_the_form_outside_debug_mode(self):
        arch = etree.fromstring(self.env.ref("base.user_groups_view").arch)
        nodes = arch.xpath(f"//field[@name='{self.field}']")
        self.assertTrue(nodes, "the One-Card roles are not on the user form")
        for node in nodes:
            restricted = [
                parent
                for parent in node.iterancestors()
                if "base.group_no_one" in (parent.get("groups") or "")
            ]
            if node.get("invisible") == "True":
                continue  # Odoo's hidden copy that saves defaults
            self.assertFalse(restricted, "shown in debug mode only")
            self.assertNotIn("base.group_no_one", node.get("groups") or "")

    def test_set_roles_on_the_user_form(self):
        form = Form(self.env["res.users"], view="base.view_users_form")
        form.name = "Desk accountant"
        form.login = "oc_roles_accountant"
        form[self.field] = self.accountant.id
        user = form.save()
        self.assertTrue(user.has_group("onecard_consume.group_onecard_accountant"))
        self.assertFalse(user.has_group("onecard_consume.group_onecard_operator"))
        with Form(user, view="base.view_users_form") as form:
            form[self.field] = self.manager.id
        self.assertEqual(user.groups_id & self.roles, self.roles)
        with Form(user, view="base.view_users_form") as form:
            form[self.field] = self.operator.id
        self.assertEqual(user.groups_id & self.roles, self.operator)
        with Form(user, view="base.view_users_form") as form:
            form[self.field] = False
        self.assertFalse(user.groups_id & self.roles)
