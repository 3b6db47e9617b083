/** @odoo-module **/
/* The dashboard a canteen manager opens in the morning: today's figures, three
 * charts drawn, the terminals that are not calling in, click-through to records. */
import {registry} from "@web/core/registry";

const dash = ".o_onecard_dashboard";

registry.category("web_tour.tours").add("onecard_dashboard_tour", {
    steps: () => [
        {
            content: "Sales today are positive, in the company's currency",
            trigger: `${dash} .o_oc_kpi_sales .fs-2:contains(18.50):not(:contains(-))`,
        },
        {
            content: "The correction is shown on its own",
            trigger: `${dash} .o_oc_kpi_sales:contains(1 corrections)`,
        },
        {
            content: "Swipes per hour: a chart is drawn",
            trigger: `${dash} .o_oc_panel_hours canvas[width]`,
        },
        {
            content: "Daily sales and top-ups: a chart is drawn",
            trigger: `${dash} .o_oc_panel_trend canvas[width]`,
        },
        {
            content: "Sales by meal period: a chart is drawn",
            trigger: `${dash} .o_oc_panel_meals canvas[width]`,
        },
        {
            content: "A terminal never seen is named",
            trigger: `${dash} .o_oc_panel_terminals li:contains(Dash Never):contains(Never seen)`,
        },
        {
            content: "A terminal that stopped calling in is named",
            trigger: `${dash} .o_oc_panel_terminals li:contains(Dash Quiet):contains(Last seen)`,
        },
        {
            content: "The one calling in is not",
            trigger: `${dash} .o_oc_panel_terminals:not(:contains(Dash Till))`,
        },
        {
            content: "Terminals calling in: 1 of 3",
            trigger: `${dash} .o_oc_kpi_terminals:contains(1 / 3)`,
            run: "click",
        },
        {
            content: "Click-through: the terminals not calling in",
            trigger: ".o_list_view .o_data_row:contains(Dash Never)",
        },
        {
            content: "Only those",
            trigger: ".o_list_view:not(:has(.o_data_row:contains(Dash Till)))",
        },
    ],
});
