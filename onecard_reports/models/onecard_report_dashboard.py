from datetime import datetime, timedelta

import pytz

from odoo import api, fields, models
from odoo.tools import SQL

# Terminal states (onecard_devices) a canteen manager must hear about in the
# morning: never seen since it was set up, or stopped calling in.
NOT_CALLING = ("never", "offline", "silent")


class OnecardReportDashboard(models.AbstractModel):
    """Figures of the reports dashboard (client action ``onecard_reports.dashboard``).

    Everything comes from the report views with ``_read_group``, so the
    dashboard shows exactly what the screens and exports show. Sales are
    approved consumptions (positive); corrections are shown on their own, on the
    day they were made, instead of making a day's sales look negative. The
    terminals block appears only when onecard_devices is installed (it adds the
    terminal status); this module does not depend on it.
    """

    _name = "onecard.report.dashboard"
    _description = "Card Reports Dashboard"

    @api.readonly  # figures only: on the replica when there is one (docs/scaling.md)
    @api.model
    def get_data(self, days=14):
        company = self.env.company
        days = min(max(int(days), 1), 366)
        tz = pytz.timezone(company.partner_id.tz or "UTC")
        today = datetime.now(tz).date()
        first = today - timedelta(days=days - 1)
        # The rollups (by local day and hour): the same figures as the swipe and
        # fund reports, without summing every row of the period.
        base = [("company_id", "=", company.id), ("date", ">=", first)]
        sales = base + [("state", "=", "approved"), ("kind", "!=", "correction")]
        corrections = base + [("kind", "=", "correction")]
        Swipe = self.env["onecard.report.swipe.day"]
        Fund = self.env["onecard.report.ledger.day"]
        money = company.currency_id.round
        since_today = [("date", ">=", today)]

        [(swipes_today, sales_today)] = Swipe._read_group(
            sales + since_today, [], ["swipe_count:sum", "amount:sum"]
        )
        [(declined_today,)] = Swipe._read_group(
            base + since_today, [], ["declined_count:sum"]
        )
        [(corrections_today, corrected_today)] = Swipe._read_group(
            corrections + since_today, [], ["correction_count:sum", "amount:sum"]
        )
        [(topups_today,)] = Fund._read_group(
            base + since_today + [("kind", "=", "topup")], [], ["received:sum"]
        )

        hours = {}
        for hour, canteen, swipes in Swipe._read_group(
            sales, ["hour", "canteen_id"], ["swipe_count:sum"]
        ):
            hours.setdefault(canteen, [0] * 24)[hour] = swipes
        meals = [
            {
                "id": meal.id,
                "name": meal.display_name or self.env._("No meal period"),
                "swipes": swipes,
                "amount": money(amount or 0.0),
            }
            for meal, swipes, amount in Swipe._read_group(
                sales, ["meal_period_id"], ["swipe_count:sum", "amount:sum"]
            )
        ]
        trend = {
            first + timedelta(days=n): {"sales": 0.0, "topups": 0.0, "corrections": 0.0}
            for n in range(days)
        }
        for domain, key, model, measure in (
            (sales, "sales", Swipe, "amount:sum"),
            (corrections, "corrections", Swipe, "amount:sum"),
            (base + [("kind", "=", "topup")], "topups", Fund, "received:sum"),
        ):
            for day, amount in model._read_group(domain, ["date:day"], [measure]):
                if day in trend:
                    # Corrections give money back: shown as a positive amount.
                    trend[day][key] = money(abs(amount or 0.0))
        return {
            "currency_id": company.currency_id.id,
            "days": days,
            "today": {
                "swipes": swipes_today or 0,
                "sales": money(sales_today or 0.0),
                "declined": declined_today or 0,
                "corrections": corrections_today or 0,
                "corrected": money(abs(corrected_today or 0.0)),
                "topups": money(topups_today or 0.0),
            },
            "hours": [
                {
                    "id": canteen.id,
                    "name": canteen.display_name or self.env._("No canteen"),
                    "counts": counts,
                }
                for canteen, counts in sorted(
                    hours.items(), key=lambda item: item[0].display_name or ""
                )
            ],
            "meals": meals,
            "trend": [
                {"date": fields.Date.to_string(day), **values}
                for day, values in sorted(trend.items())
            ],
            "terminals": self._terminals(),
        }

    @api.model
    def _terminals(self):
        """Terminals that are not calling in, and how many are (onecard_devices),
        else None."""
        Terminal = self.env["onecard.terminal"]
        if "status" not in Terminal._fields:
            return None
        terminals = Terminal.search([("company_id", "=", self.env.company.id)])
        quiet = terminals.filtered(lambda t: t.status in NOT_CALLING)
        self.env.cr.execute(
            SQL(
                """
            SELECT terminal_id, sum(swipe_count + declined_count + correction_count)
              FROM onecard_report_swipe_day
             WHERE offline AND terminal_id = ANY(%s) GROUP BY terminal_id
        """,
                quiet.ids,
            )
        )
        offline_records = dict(self.env.cr.fetchall())
        status = dict(Terminal._fields["status"]._description_selection(self.env))
        return {
            "total": len(terminals),
            "calling": len(terminals) - len(quiet),
            "quiet": [
                {
                    "id": terminal.id,
                    "name": terminal.display_name,
                    "status": terminal.status,
                    "status_label": status[terminal.status],
                    "last_seen": fields.Datetime.to_string(terminal.last_seen)
                    if terminal.last_seen
                    else "",
                    "offline_records": offline_records.get(terminal.id, 0),
                }
                for terminal in quiet.sorted(
                    lambda t: (t.last_seen or datetime.min, t.display_name)
                )
            ],
        }
