/** @odoo-module **/
import {Component, onWillStart, useState} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

/** A small page of today's figures and the last days' traffic; each block opens its report. */
export class OnecardDashboard extends Component {
    static template = "onecard_reports.Dashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({data: null, days: 14});
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call(
            "onecard.report.dashboard",
            "get_data",
            [],
            {days: this.state.days}
        );
    }

    async setDays(days) {
        this.state.days = days;
        await this.load();
    }

    maxOf(values) {
        return Math.max(1, ...values);
    }

    barStyle(value, max) {
        return `height: ${Math.round((100 * value) / max)}%`;
    }

    open(xmlid) {
        this.action.doAction(xmlid);
    }
}

registry.category("actions").add("onecard_reports.dashboard", OnecardDashboard);
