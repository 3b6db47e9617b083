from odoo import api, models

from ..tools import normalize_uid
from .onecard_card import LIVE_STATES


# One concern a file (the account, the form's extras, the HR push): kept apart on
# purpose.
class OnecardCardholder(models.Model):
    """HR's bulk push: an idempotent upsert of cardholders by employee code."""

    _inherit = "onecard.cardholder"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def sync_employees(self, rows):
        """Create or update cardholders from HR rows; return one result per row.

        Each row is a dict: code and name (required), department (name),
        category (name), card_uid (issues a card when the holder has no live
        card), active (False freezes the cards). Rows are processed in a few
        set-based statements so 10,000 rows fit in one RPC call; calling
        again with the same rows changes nothing ("unchanged").
        """
        # Chatter tracking of 10,000 creations would cost more than the sync itself.
        self = self.with_context(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True
        )
        company = self.env.company
        results = [None] * len(rows)
        good = {}
        for index, row in enumerate(rows):
            error = self._sync_row_error(row, good)
            if error:
                results[index] = {
                    "code": (row or {}).get("code") if isinstance(row, dict) else None,
                    "status": "error",
                    "message": error,
                }
            else:
                good[str(row["code"]).strip()] = (index, row)
        codes = list(good)
        # An active holder wins over archived ones with the same code (a deleted
        # employee's).
        existing = {
            h.code: h
            for h in self.with_context(active_test=False).search(
                [("code", "in", codes), ("company_id", "=", company.id)],
                order="active, id",
            )
        }
        departments = self._sync_departments(
            [r.get("department") for _i, r in good.values()], company
        )
        categories = {
            c.name: c.id for c in self.env["onecard.cardholder.category"].search([])
        }
        employees = {
            e.barcode: e.id
            for e in self.env["hr.employee"]
            .with_context(active_test=False)
            .search([("barcode", "in", codes), ("company_id", "=", company.id)])
        }
        to_create, updates = [], []
        for code, (index, row) in good.items():
            vals = {
                "name": row["name"].strip(),
                "department_id": departments.get(row.get("department") or ""),
            }
            if row.get("category"):
                if row["category"] not in categories:
                    results[index] = {
                        "code": code,
                        "status": "error",
                        "message": self.env._(
                            "Unknown cardholder category “%s”.", row["category"]
                        ),
                    }
                    continue
                vals["category_id"] = categories[row["category"]]
            holder = existing.get(code)
            if not holder:
                vals.update(
                    code=code, company_id=company.id, employee_id=employees.get(code)
                )
                to_create.append((index, code, vals))
                continue
            changed = {
                k: v
                for k, v in vals.items()
                if (holder[k].id if hasattr(holder[k], "id") else holder[k])
                != (v or False)
            }
            if changed:
                updates.append((holder, changed))
            results[index] = {
                "code": code,
                "status": "updated" if changed else "unchanged",
                "id": holder.id,
            }
        for holder, changed in updates:
            holder.write(changed)
        created = self.create([vals for _i, _c, vals in to_create])
        for (index, code, _vals), holder in zip(to_create, created, strict=False):
            existing[code] = holder
            results[index] = {"code": code, "status": "created", "id": holder.id}
        self._sync_cards_and_state(good, existing, results)
        return results

    def _sync_row_error(self, row, seen):
        if not isinstance(row, dict):
            return self.env._("A row must be a mapping of field names to values.")
        code, name = row.get("code"), row.get("name")
        if (
            not code
            or not isinstance(code, str | int)
            or not name
            or not isinstance(name, str)
        ):
            return self.env._("Code and name are required.")
        if str(code).strip() in seen:
            return self.env._("Code %s appears twice in this push.", code)
        if row.get("card_uid") and not normalize_uid(row["card_uid"]):
            return self.env._("“%s” is not a valid card UID.", row["card_uid"])
        return None

    def _sync_departments(self, names, company):
        names = {n.strip() for n in names if isinstance(n, str) and n.strip()}
        Department = self.env["hr.department"]
        found = {
            d.name: d.id
            for d in Department.search(
                [("name", "in", list(names)), ("company_id", "in", [company.id, False])]
            )
        }
        missing = sorted(names - set(found))
        for department in Department.create(
            [{"name": n, "company_id": company.id} for n in missing]
        ):
            found[department.name] = department.id
        return found

    def _sync_cards_and_state(self, good, holders, results):
        """Issue missing cards in one batch and apply leavers (active = False)."""
        card_vals, live = [], {}
        uids = [
            normalize_uid(r["card_uid"]) for _i, r in good.values() if r.get("card_uid")
        ]
        for card in self.env["onecard.card"].search(
            [("uid", "in", uids), ("state", "in", LIVE_STATES)]
        ):
            live[card.uid] = card
        for code, (index, row) in good.items():
            holder = holders.get(code)
            if not holder or results[index]["status"] == "error":
                continue
            uid = normalize_uid(row.get("card_uid"))
            if uid and uid in live and live[uid].cardholder_id != holder:
                results[index] = dict(
                    results[index],
                    status="error",
                    message=self.env._("Card UID %s belongs to someone else.", uid),
                )
            elif (
                uid
                and uid not in live
                and not holder.card_ids.filtered(lambda c: c.state in LIVE_STATES)
            ):
                card_vals.append({"cardholder_id": holder.id, "uid": uid})
                live[uid] = holder
                if results[index]["status"] == "unchanged":
                    results[index]["status"] = "updated"
            if row.get("active") is False and holder.active:
                holder._employee_left()
                holder.active = False
                results[index]["status"] = "updated"
        self.env["onecard.card"].create(card_vals)
