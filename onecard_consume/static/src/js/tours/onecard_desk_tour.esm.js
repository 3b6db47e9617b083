/** @odoo-module **/
/* Operator desk end to end, as a keyboard-wedge reader would drive it:
 * UID + Enter, issue, top up, report lost, unlock. */
import {registry} from "@web/core/registry";

const UID_TYPED = "04:a1:b2:c3:d4"; // What a wedge reader may type; the desk normalises it
const UID = "04A1B2C3D4";
const desk = ".o_onecard_desk";
const modal = ".modal:not(.o_inactive_modal)";

function openOperation(label) {
    return [
        {
            content: `Open ${label}`,
            trigger: `${desk} .o_form_statusbar button[name=action_operation]:contains(${label})`,
            run: "click",
        },
        {
            content: `${label} dialog is open`,
            trigger: `${modal} .o_form_view div[name=operation]`,
        },
    ];
}

function confirmDialog() {
    return [
        {
            content: "Confirm",
            trigger: `${modal} .modal-footer button[name=action_confirm]`,
            run: "click",
        },
        {
            content: "Dialog closed",
            trigger: `body:not(:has(.modal .o_form_view))`,
        },
    ];
}

registry.category("web_tour.tours").add("onecard_desk_tour", {
    url: "/odoo/action-onecard_consume.onecard_desk_action",
    steps: () => [
        {
            content: "Swipe an unknown card: the reader types the UID...",
            trigger: `${desk} div[name=card_uid] input`,
            run: `edit ${UID_TYPED}`,
        },
        {
            content: "...and Enter",
            trigger: `${desk} div[name=card_uid] input`,
            run: "press Enter",
        },
        {
            content: "The desk says the card is unknown",
            trigger: `${desk} .o_onecard_desk_message:contains(unknown)`,
        },
        {
            content: "The UID was normalised",
            trigger: `${desk} div[name=card_uid] input:value(${UID})`,
        },
        {
            content: "Issue a card",
            trigger: `${desk} button[name=action_issue_card]`,
            run: "click",
        },
        {
            content: "The UID is prefilled",
            trigger: `${modal} div[name=uid] input:value(${UID})`,
        },
        {
            content: "Holder name",
            trigger: `${modal} div[name=name] input`,
            run: "edit Tour Holder",
        },
        {
            content: "Holder code",
            trigger: `${modal} div[name=code] input`,
            run: "edit TOUR-001",
        },
        {
            content: "Deposit",
            trigger: `${modal} div[name=deposit] input`,
            run: "edit 20",
        },
        {
            content: "Opening top-up",
            trigger: `${modal} div[name=topup] input`,
            run: "edit 100",
        },
        {
            content: "Payment method",
            trigger: `${modal} div[name=payment_method_id] input`,
            run: "edit Cash",
        },
        {
            content: "Choose Cash",
            trigger: `.o-autocomplete--dropdown-menu a:contains(Cash)`,
            run: "click",
        },
        ...confirmDialog(),
        {
            content: "The desk shows the new card and its balance",
            trigger: `${desk} div[name=cash_balance]:contains(100.00)`,
        },
        {
            content: "The card is active",
            trigger: `${desk} div[name=card_state]:contains(Active)`,
        },
        ...openOperation("Top Up"),
        {
            content: "Amount",
            trigger: `${modal} div[name=amount] input`,
            run: "edit 50",
        },
        {
            content: "Cash is the default payment method",
            trigger: `${modal} div[name=payment_method_id] input:value(Cash)`,
        },
        ...confirmDialog(),
        {
            content: "Balance after the top-up",
            trigger: `${desk} div[name=cash_balance]:contains(150.00)`,
        },
        ...openOperation("Report Lost"),
        ...confirmDialog(),
        {
            content: "The card is lost",
            trigger: `${desk} div[name=card_state]:contains(Lost)`,
        },
        ...openOperation("Unlock"),
        ...confirmDialog(),
        {
            content: "The card is active again",
            trigger: `${desk} div[name=card_state]:contains(Active)`,
        },
        {
            content: "Balance unchanged",
            trigger: `${desk} div[name=cash_balance]:contains(150.00)`,
        },
    ],
});
