/** @odoo-module **/
/**
 * The operator's desk is open; the desk PC's agent POSTs a card UID to
 * /onecard/desk/reader (here: fetch from the tour, with the token the test set
 * up); the UID comes back on the bus and the desk shows the card's holder.
 */
import {registry} from "@web/core/registry";

export const DESK_READER_TOUR_TOKEN = "ocdr_tour-token-for-tests-only";

registry.category("web_tour.tours").add("onecard_desk_reader_tour", {
    url: "/odoo/action-onecard_consume.onecard_desk_action",
    steps: () => [
        {
            content: "The desk is open, no card yet",
            trigger: ".o_onecard_desk .o_field_widget[name=card_uid] input",
            async run() {
                // The bus worker must be connected (and subscribed) before the notification is sent.
                const bus = odoo.__WOWL_DEBUG__.root.env.services.bus_service;
                for (let i = 0; i < 100 && bus.workerState !== "CONNECTED"; i++) {
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
                if (bus.workerState !== "CONNECTED") {
                    throw new Error(`bus worker not connected (${bus.workerState})`);
                }
                await new Promise((resolve) => setTimeout(resolve, 500));
                const response = await fetch("/onecard/desk/reader", {
                    method: "POST",
                    headers: {
                        "Content-Type": "application/json",
                        Authorization: `Bearer ${DESK_READER_TOUR_TOKEN}`,
                    },
                    body: JSON.stringify({uid: "04:d3:5c:00:11"}),
                });
                if (response.status !== 200) {
                    throw new Error(`desk reader endpoint answered ${response.status}`);
                }
            },
        },
        {
            content: "The UID read by the agent is in the desk's UID field",
            trigger:
                ".o_onecard_desk .o_field_widget[name=card_uid] input:value(04D35C0011)",
        },
        {
            content: "The desk shows the card holder",
            trigger:
                ".o_onecard_desk .o_field_widget[name=cardholder_id]:contains(Desk Reader Holder)",
        },
        {
            content: "The desk saved the UID by itself (no save button on a desk)",
            trigger:
                ".o_form_saved:not(:has(.o_form_button_save)) .o_field_widget[name=cardholder_id]:contains(Desk Reader Holder)",
        },
        {
            content: "The UID field is focused for the next swipe",
            trigger: ".o_onecard_desk .o_field_widget[name=card_uid] input",
            run() {
                if (document.activeElement !== this.anchor) {
                    throw new Error(`focus is on ${document.activeElement.outerHTML}`);
                }
            },
        },
    ],
});
