/** @odoo-module **/
/* A cardholder on the portal: balance, top up 50 with the demo provider, the new
 * balance and the row, report the card lost. */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("onecard_portal_tour", {
    url: "/my",
    steps: () => [
        {
            content: "The One-Card tile on /my",
            trigger: "a[href='/my/onecard']",
            run: "click",
        },
        {
            content: "The cash balance",
            trigger: ".o_onecard_cash:contains(100.00)",
        },
        {
            content: "Amount to top up",
            trigger: "input.o_onecard_topup_amount",
            run: "edit 50",
        },
        {
            content: "Top up",
            trigger: "button.o_onecard_topup",
            run: "click",
        },
        {
            content: "Pay with the demo provider",
            trigger: 'input[name="o_payment_radio"][data-payment-method-code="demo"]',
            run: "click",
        },
        {
            content: "Card number (test data)",
            trigger: 'input[name="customer_input"]',
            run: "edit 4242424242424242",
        },
        {
            content: "Pay",
            trigger: 'button[name="o_payment_submit_button"]:not(:disabled)',
            run: "click",
        },
        {
            content: "Back on the account: the new balance",
            trigger: ".o_onecard_cash:contains(150.00)",
            timeout: 30000,
        },
        {
            content: "The top-up in the transactions",
            trigger: ".o_onecard_rows tr:contains(Top-up):contains(50.00)",
        },
        {
            content: "Report the card lost",
            trigger: ".o_onecard_cards tr[data-card='P0001'] .o_onecard_report_lost",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".o_onecard_cards tr[data-card='P0001'] .o_onecard_confirm_lost",
            run: "click",
        },
        {
            content: "The card is lost",
            trigger:
                ".o_onecard_cards tr[data-card='P0001'] .o_onecard_card_state:contains(Lost)",
        },
    ],
});
