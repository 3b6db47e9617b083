/** @odoo-module **/
/* A day at the desk with a keyboard-wedge reader and no mouse: swipe, top up,
 * swipe the next card (it replaces the last UID), a swipe while nothing has the
 * focus, a refund, a swipe after a click into the UID field; every operation ends
 * with its balance, and a receipt. */
import {fill, press} from "@odoo/hoot-dom";
import {registry} from "@web/core/registry";

export const WEDGE_UID_ONE = "0A1B2C3D";
export const WEDGE_UID_TWO = "0E1F2A3B";
const desk = ".o_onecard_desk";
const modal = ".modal:not(.o_inactive_modal)";
const uidInput = `${desk} div[name=card_uid] input`;

/** Type a UID and Enter where the focus is, as the reader does: no click. */
function swipeWithoutMouse(uid) {
    return async function () {
        if (document.activeElement !== this.anchor) {
            throw new Error(
                `the UID field has not the focus: ${document.activeElement.outerHTML.slice(0, 120)}`
            );
        }
        await fill(uid);
        await press("Enter");
    };
}

function operation(label, amount, balance) {
    return [
        {
            content: `Open ${label}`,
            trigger: `${desk} .o_form_statusbar button[name=action_operation]:contains(${label})`,
            run: "click",
        },
        {
            content: "Amount",
            trigger: `${modal} div[name=amount] input`,
            run: `edit ${amount}`,
        },
        {
            content: "Confirm",
            trigger: `${modal} .modal-footer button[name=action_confirm]`,
            run: "click",
        },
        {
            content: "Dialog closed",
            trigger: `body:not(:has(.modal .o_form_view))`,
        },
        {
            content: "A notification says the new balance",
            trigger: `.o_notification:contains(${label}):contains(${balance})`,
        },
        {
            content: "The desk shows the new balance",
            trigger: `${desk} div[name=cash_balance]:contains(${balance})`,
        },
        {
            content: "A receipt can be printed",
            trigger: `${desk} .o_form_statusbar button[name=action_print_receipt]`,
        },
    ];
}

registry.category("web_tour.tours").add("onecard_desk_wedge_tour", {
    url: "/odoo/action-onecard_consume.onecard_desk_action",
    steps: () => [
        {
            content: "The desk opens with the focus on the UID field: swipe",
            trigger: uidInput,
            run: swipeWithoutMouse("0a:1b:2c:3d"),
        },
        {
            content: "The first card is on the desk",
            trigger: `${desk} div[name=cardholder_id]:contains(Wedge One)`,
        },
        {
            content: "No save / discard icons and no pager on a desk",
            trigger: `.o_control_panel:not(:has(.o_form_status_indicator_buttons, .o_pager))`,
        },
        ...operation("Top Up", 50, "150.00"),
        {
            content: "Next swipe, no mouse: the focus is back on the UID field",
            trigger: `${uidInput}:value(${WEDGE_UID_ONE})`,
            run: swipeWithoutMouse(WEDGE_UID_TWO),
        },
        {
            content: "The new UID replaced the last one",
            trigger: `${uidInput}:value(${WEDGE_UID_TWO})`,
        },
        {
            content: "The second card is on the desk, no receipt of the last one",
            trigger: `${desk}:not(:has(button[name=action_print_receipt])) div[name=cardholder_id]:contains(Wedge Two)`,
        },
        {
            content: "Nothing has the focus; the reader types a UID and Enter",
            trigger: `${desk} div[name=cash_balance]:contains(40.00)`,
            async run() {
                document.activeElement.blur();
                for (const key of WEDGE_UID_ONE) {
                    await press(key);
                }
                await press("Enter");
            },
        },
        {
            content: "The UID went to the card field",
            trigger: `${uidInput}:value(${WEDGE_UID_ONE})`,
        },
        {
            content: "The first card is back on the desk",
            trigger: `${desk} div[name=cardholder_id]:contains(Wedge One)`,
        },
        ...operation("Refund", 30, "120.00"),
        {
            content: "The operator clicks into the UID field (the caret at its end)",
            trigger: uidInput,
            run: "click",
        },
        {
            content: "...and swipes the next card",
            trigger: uidInput,
            run: swipeWithoutMouse(WEDGE_UID_TWO),
        },
        {
            content: "The new UID replaced the last one, not appended to it",
            trigger: `${uidInput}:value(${WEDGE_UID_TWO})`,
        },
        {
            content: "The second card is on the desk again, the desk saved by itself",
            trigger: `${desk} .o_form_saved div[name=cardholder_id]:contains(Wedge Two)`,
        },
    ],
});
