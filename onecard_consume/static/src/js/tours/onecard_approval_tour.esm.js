/** @odoo-module **/
/* Four-eyes approval in the browser: an operator's refund above the threshold is
 * sent for approval from the desk; another user, a manager, approves it from the
 * Approvals list. */
import {registry} from "@web/core/registry";

const UID = "0A1B2C4D";
const desk = ".o_onecard_desk";
const modal = ".modal:not(.o_inactive_modal)";

registry.category("web_tour.tours").add("onecard_approval_request_tour", {
    url: "/odoo/action-onecard_consume.onecard_desk_action",
    steps: () => [
        {
            content: "Swipe the card",
            trigger: `${desk} div[name=card_uid] input`,
            run: `edit ${UID}`,
        },
        {
            content: "...and Enter",
            trigger: `${desk} div[name=card_uid] input`,
            run: "press Enter",
        },
        {
            content: "The desk shows the balance",
            trigger: `${desk} div[name=cash_balance]:contains(100.00)`,
        },
        {
            content: "Open Refund",
            trigger: `${desk} .o_form_statusbar button[name=action_operation]:contains(Refund)`,
            run: "click",
        },
        {
            content: "Amount above the threshold",
            trigger: `${modal} div[name=amount] input`,
            run: "edit 80",
        },
        {
            content: "Leave the amount (the dialog checks it)",
            trigger: `${modal} div[name=amount] input`,
            run: "press Tab",
        },
        {
            content: "The dialog says a manager must approve it",
            trigger: `${modal} div[name=approval_needed_alert]:not(.d-none)`,
        },
        {
            content: "Reason",
            trigger: `${modal} div[name=reason] input`,
            run: "edit Leaves the company",
        },
        {
            content: "Confirm",
            trigger: `${modal} .modal-footer button[name=action_confirm]`,
            run: "click",
        },
        {
            content: "The operator is told it was sent for approval",
            trigger: `.o_notification:contains(Sent for approval)`,
        },
        {
            content: "Nothing was booked",
            trigger: `${desk} div[name=cash_balance]:contains(100.00)`,
        },
    ],
});

registry.category("web_tour.tours").add("onecard_approval_decide_tour", {
    url: "/odoo/action-onecard_consume.onecard_approval_request_action",
    steps: () => [
        {
            content: "The pending request is listed",
            trigger: `.o_list_view .o_data_row td[name=cardholder_id]:contains(Tour Payee)`,
            run: "click",
        },
        {
            content: "Its reason is shown",
            trigger: `.o_form_view div[name=reason]:contains(Leaves the company)`,
        },
        {
            content: "Approve",
            trigger: `.o_form_view .o_form_statusbar button[name=action_approve]`,
            run: "click",
        },
        {
            content: "Confirm the approval",
            trigger: `${modal} .modal-footer .btn-primary`,
            run: "click",
        },
        {
            content: "The request is approved",
            trigger: `.o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Approved)`,
        },
        {
            content: "The booked operation is linked",
            trigger: `.o_form_view div[name=operation_id] a, .o_form_view div[name=operation_id] span:not(:empty)`,
        },
    ],
});
