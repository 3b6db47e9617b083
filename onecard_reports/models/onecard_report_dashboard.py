from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.tools import SQL


class OnecardReportDashboard(models.AbstractModel):
    """Figures of the reports dashboard (client action ``onecard_reports.dashboard``).

    Everything comes from the report views with ``_read_group``, so the
    dashboard shows exactly what the screens and exports show. The offline
    terminals block appears only when onecard_devices is installed (it adds
    the terminal status fields); this module does not depend on it.
    """

    _name = "onecard.report.dashboard"
    _description = "Card Reports Dashboard"

    @api.model
    def get_data(self, days=14):
        company = self.env.company
        tz = pytz.timezone(company.partner_id.tz or "UTC")
        today = datetime.now(tz).date()
        first = today - timedelta(days=max(int(days), 1) - 1)
        start = (
            tz.localize(datetime.combine(first, time.min))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )
        today_start = (
            tz.localize(datetime.combine(today, time.min))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )
        base = [("company_id", "=", company.id), ("business_time", ">=", start)]
        Swipe, Fund = self.env["onecard.report.swipe"], self.env["onecard.report.fund"]

        def money(value):
            return company.currency_id.round(value or 0.0)

        [(swipes_today, amount_today, declined_today)] = Swipe._read_group(
            base + [("business_time", ">=", today_start)],
            [],
            ["swipe_count:sum", "amount:sum", "declined_count:sum"],
        )
        hours = {}
        for hour, canteen, swipes, _amount in Swipe._read_group(
            base + [("state", "=", "approved")],
            ["hour", "canteen_id"],
            ["swipe_count:sum", "amount:sum"],
        ):
            hours.setdefault(canteen.display_name or "-", {})[hour] = swipes
        meals = [
            {
                "name": meal.display_name or "-",
                "swipes": swipes,
                "amount": money(amount),
            }
            for meal, swipes, amount in Swipe._read_group(
                base + [("state", "=", "approved")],
                ["meal_period_id"],
                ["swipe_count:sum", "amount:sum"],
            )
        ]
        trend = {
            day: {
                "date": fields.Date.to_string(day),
                "revenue": money(amount),
                "topup": 0.0,
            }
            for day, amount in Swipe._read_group(base, ["date:day"], ["amount:sum"])
        }
        for day, received in Fund._read_group(
            base + [("kind", "=", "topup")], ["date:day"], ["received:sum"]
        ):
            trend.setdefault(
                day, {"date": fields.Date.to_string(day), "revenue": 0.0, "topup": 0.0}
            )
            trend[day]["topup"] = money(received)
        return {
            "currency": company.currency_id.symbol,
            "days": days,
            "today": {
                "swipes": swipes_today or 0,
                "amount": money(amount_today),
                "declined": declined_today or 0,
            },
            "hours": [
                {"canteen": name, "counts": [by_hour.get(h, 0) for h in range(24)]}
                for name, by_hour in sorted(hours.items())
            ],
            "meals": meals,
            "trend": [trend[day] for day in sorted(trend)],
            "offline_terminals": self._offline_terminals(),
        }

    @api.model
    def _offline_terminals(self):
        """Terminals that stopped calling in (onecard_devices), else None."""
        Terminal = self.env["onecard.terminal"]
        if "silent" not in Terminal._fields:
            return None
        terminals = Terminal.search(
            [("silent", "=", True), ("company_id", "=", self.env.company.id)]
        )
        self.env.cr.execute(
            SQL(
                """
            SELECT terminal_id, count(*) FROM onecard_operation
             WHERE offline AND terminal_id = ANY(%s) GROUP BY terminal_id
        """,
                terminals.ids,
            )
        )
        offline = dict(self.env.cr.fetchall())
        return [
            {
                "id": t.id,
                "name": t.display_name,
                "last_seen": fields.Datetime.to_string(t.last_seen)
                if "last_seen" in t._fields and t.last_seen
                else "",
                "offline_records": offline.get(t.id, 0),
            }
            for t in terminals
        ]
