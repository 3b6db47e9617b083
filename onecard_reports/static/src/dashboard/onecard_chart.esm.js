/** @odoo-module **/
import {Component, onWillStart, onWillUnmount, useEffect, useRef} from "@odoo/owl";
import {loadBundle} from "@web/core/assets";

/**
 * A Chart.js chart (the copy Odoo ships for its graph views), redrawn when its
 * configuration changes. The parent builds the whole configuration: axes, labels,
 * number formats and what a click opens.
 */
export class OnecardChart extends Component {
    static template = "onecard_reports.Chart";
    static props = {config: Object, height: {type: Number, optional: true}};

    setup() {
        this.canvasRef = useRef("canvas");
        this.chart = null;
        onWillStart(() => loadBundle("web.chartjs_lib"));
        useEffect(
            (config) => {
                this.chart?.destroy();
                /* global Chart */
                this.chart = new Chart(this.canvasRef.el, config);
            },
            () => [this.props.config]
        );
        onWillUnmount(() => this.chart?.destroy());
    }
}
