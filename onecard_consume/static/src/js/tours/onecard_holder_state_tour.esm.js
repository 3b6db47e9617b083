/** @odoo-module **/
/* An operator opens an account with money on it and tries to close it: the
 * status bar does not click, no Close button while a card is live, and a write of
 * the state over RPC is refused. */
import {registry} from "@web/core/registry";
import {rpc} from "@web/core/network/rpc";

const form = ".o_form_view";

registry.category("web_tour.tours").add("onecard_holder_state_tour", {
    steps: () => [
        {
            content: "The account is active; its status bar is read-only",
            trigger: `${form} .o_statusbar_status button[data-value=closed]:disabled`,
        },
        {
            content: "No Close button while a card is live",
            trigger: `${form} .o_form_statusbar:has(button[name=freeze_account]):not(:has(button[name=close_account]))`,
        },
        {
            content: "Writing the state over RPC is refused",
            trigger: `${form} .o_statusbar_status:has(button[data-value=active][aria-checked=true])`,
            async run() {
                const id = Number(window.location.pathname.split("/").pop());
                let refused = null;
                try {
                    await rpc("/web/dataset/call_kw/onecard.cardholder/write", {
                        model: "onecard.cardholder",
                        method: "write",
                        args: [[id], {state: "closed"}],
                        kwargs: {},
                    });
                } catch (error) {
                    refused = error;
                }
                if (!refused?.data?.message?.includes("only through its operations")) {
                    throw new Error(`the write was not refused: ${refused}`);
                }
            },
        },
    ],
});
