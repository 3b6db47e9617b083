/** @odoo-module **/
import {Component, onWillStart, useState} from "@odoo/owl";
import {deserializeDateTime, formatDateTime} from "@web/core/l10n/dates";
import {_t} from "@web/core/l10n/translation";
import {formatMonetary} from "@web/views/fields/formatters";
import {OnecardChart} from "./onecard_chart.esm";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

const SWIPES = "onecard.report.swipe";
const FUND = "onecard.report.fund";

/**
 * The canteen manager's morning page: today's figures, the traffic of the last days
 * as charts with axes and currency formats, and the terminals that are not calling
 * in. Every figure, bar and point opens the records behind it.
 */
export class OnecardDashboard extends Component {
    static template = "onecard_reports.Dashboard";
    static components = {OnecardChart};
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({data: null, days: 14});
        onWillStart(() => this.load());
    }

    async load() {
        const data = await this.orm.call("onecard.report.dashboard", "get_data", [], {
            days: this.state.days,
        });
        this.charts = {
            hours: this.hoursChart(data),
            trend: this.trendChart(data),
            meals: this.mealsChart(data),
        };
        this.state.data = data;
    }

    async setDays(days) {
        this.state.days = days;
        await this.load();
    }

    money(value) {
        return formatMonetary(value, {currencyId: this.state.data?.currency_id});
    }

    /** Records of the report model behind a figure, from the dashboard's first day. */
    open(model, name, domain = [], views = ["list", "pivot", "graph"]) {
        const first = this.state.data.trend[0].date;
        this.action.doAction({
            type: "ir.actions.act_window",
            name,
            res_model: model,
            views: views.map((view) => [false, view]),
            domain: [["date", ">=", first], ...domain],
            target: "current",
        });
    }

    openToday(model, name, domain = []) {
        const today = this.state.data.trend.at(-1).date;
        this.open(model, name, [["date", "=", today], ...domain]);
    }

    openSalesToday() {
        this.openToday(SWIPES, _t("Sales today"), [
            ["state", "=", "approved"],
            ["kind", "!=", "correction"],
        ]);
    }

    openTopupsToday() {
        this.openToday(FUND, _t("Top-ups today"), [["kind", "=", "topup"]]);
    }

    openDeclinedToday() {
        this.openToday(SWIPES, _t("Declined today"), [["state", "=", "declined"]]);
    }

    lastSeen(terminal) {
        return formatDateTime(deserializeDateTime(terminal.last_seen));
    }

    openTerminal(id) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "onecard.terminal",
            res_id: id,
            views: [[false, "form"]],
            target: "current",
        });
    }

    openTerminals() {
        this.action.doAction({
            type: "ir.actions.act_window",
            name: _t("Terminals not calling in"),
            res_model: "onecard.terminal",
            views: [
                [false, "list"],
                [false, "form"],
            ],
            domain: [["id", "in", this.state.data.terminals.quiet.map((t) => t.id)]],
            target: "current",
        });
    }

    /** Chart options shared by every chart: titled axes, a click opens records. */
    options({x, y, money = false, stacked = false, onClick}) {
        const format = money ? (value) => this.money(value) : undefined;
        return {
            maintainAspectRatio: false,
            animation: false,
            onClick: (event, elements) => elements.length && onClick(elements[0]),
            plugins: {
                legend: {position: "bottom"},
                tooltip: format
                    ? {
                          callbacks: {
                              label: (item) =>
                                  `${item.dataset.label}: ${format(item.parsed.y)}`,
                          },
                      }
                    : {},
            },
            scales: {
                x: {stacked, title: {display: true, text: x}},
                y: {
                    stacked,
                    beginAtZero: true,
                    title: {display: true, text: y},
                    ticks: format ? {callback: format} : {precision: 0},
                },
            },
        };
    }

    hoursChart(data) {
        return {
            type: "bar",
            data: {
                labels: [...Array(24).keys()].map((h) => `${h}:00`),
                datasets: data.hours.map((canteen) => ({
                    label: canteen.name,
                    data: canteen.counts,
                })),
            },
            options: this.options({
                x: _t("Hour of day"),
                y: _t("Swipes"),
                stacked: true,
                onClick: ({datasetIndex, index}) => {
                    const canteen = data.hours[datasetIndex];
                    this.open(SWIPES, `${canteen.name} ${index}:00`, [
                        ["hour", "=", index],
                        ["canteen_id", "=", canteen.id || false],
                        ["state", "=", "approved"],
                    ]);
                },
            }),
        };
    }

    trendChart(data) {
        const series = [
            ["sales", _t("Sales")],
            ["topups", _t("Top-ups")],
            ["corrections", _t("Corrections")],
        ];
        return {
            type: "line",
            data: {
                labels: data.trend.map((day) => day.date),
                datasets: series.map(([key, label]) => ({
                    label,
                    data: data.trend.map((day) => day[key]),
                    tension: 0.2,
                })),
            },
            options: this.options({
                x: _t("Day"),
                y: _t("Amount"),
                money: true,
                onClick: ({datasetIndex, index}) => {
                    const date = data.trend[index].date;
                    const [key, label] = series[datasetIndex];
                    if (key === "topups") {
                        this.open(FUND, `${label} ${date}`, [
                            ["date", "=", date],
                            ["kind", "=", "topup"],
                        ]);
                    } else {
                        this.open(SWIPES, `${label} ${date}`, [
                            ["date", "=", date],
                            key === "sales"
                                ? ["kind", "!=", "correction"]
                                : ["kind", "=", "correction"],
                        ]);
                    }
                },
            }),
        };
    }

    mealsChart(data) {
        return {
            type: "bar",
            data: {
                labels: data.meals.map((meal) => meal.name),
                datasets: [
                    {
                        label: _t("Sales"),
                        data: data.meals.map((meal) => meal.amount),
                    },
                ],
            },
            options: this.options({
                x: _t("Meal period"),
                y: _t("Amount"),
                money: true,
                onClick: ({index}) => {
                    const meal = data.meals[index];
                    this.open(SWIPES, meal.name, [
                        ["meal_period_id", "=", meal.id || false],
                        ["state", "=", "approved"],
                    ]);
                },
            }),
        };
    }
}

registry.category("actions").add("onecard_reports.dashboard", OnecardDashboard);
