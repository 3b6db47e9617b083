/** @odoo-module **/
/**
 * The operator desk's form (onecard.desk, js_class="onecard_desk_form"), made for
 * a keyboard-wedge card reader, which types the card UID and Enter all day long:
 *
 * - after every load (the desk opens, an operation's dialog closes and the desk
 *   reloads) the UID field has the focus, its text selected;
 * - a new swipe replaces the UID on the desk instead of being appended to it, even
 *   when the operator clicked into the field;
 * - a UID typed fast and ended by Enter while no input has the focus (the operator
 *   clicked elsewhere on the desk) goes to the UID field;
 * - each new UID is saved at once: the desk is a screen, not a record to save, so
 *   it has neither save / discard icons nor a pager.
 */
import {toRaw, useEffect, useExternalListener} from "@odoo/owl";
import {FormController} from "@web/views/form/form_controller";
import {formView} from "@web/views/form/form_view";
import {registry} from "@web/core/registry";
import {usePager} from "@web/search/pager_hook";

// A reader types a whole UID in a few tens of milliseconds, a person far slower.
export const WEDGE_KEY_INTERVAL_MS = 100;
const UID_SELECTOR = ".o_field_widget[name=card_uid] input";
const UID_CHARACTER = /^[0-9a-zA-Z:\- ]$/;
// 4 bytes in hexadecimal
const MIN_UID_LENGTH = 8;

export class OnecardDeskFormController extends FormController {
    static template = "onecard_consume.DeskFormView";

    setup() {
        super.setup();
        // A second pager for the control panel (the last one set in the env wins),
        // always empty: one desk, not "1 / 1" of a list of records.
        usePager(() => undefined);
        this.wedge = {buffer: "", lastKeyAt: 0};
        this.focusUidPending = true;
        useExternalListener(window, "keydown", this.onDeskKeydown, {capture: true});
        // After each load (a new root record), once it is rendered and no dialog is
        // over the desk.
        useEffect(() => {
            if (this.focusUidPending && this.ui.activeElement === document) {
                this.focusUidPending = false;
                this.focusUid();
            }
        });
    }

    get modelParams() {
        const params = super.modelParams;
        params.hooks.onRootLoaded = () => {
            this.focusUidPending = true;
        };
        params.hooks.onRecordChanged = (record, changes) => {
            // ToRaw: each component sees the record through its own proxy
            if (toRaw(record) === toRaw(this.model.root) && "card_uid" in changes) {
                // Not awaited: the change runs in the model's mutex, the save
                // queues behind it.
                record.save();
            }
        };
        return params;
    }

    /**
     * The UID input, focused with its text selected: the next swipe replaces it.
     * @returns {HTMLInputElement|undefined}
     */
    focusUid() {
        const input = this.rootRef.el?.querySelector(UID_SELECTOR);
        if (input) {
            input.focus();
            input.select();
        }
        return input;
    }

    /**
     * Every key typed while the desk is open, before its target sees it.
     * @param {KeyboardEvent} ev
     */
    onDeskKeydown(ev) {
        // A dialog over the desk, or a shortcut: not the reader
        if (
            this.ui.activeElement !== document ||
            ev.ctrlKey ||
            ev.altKey ||
            ev.metaKey
        ) {
            return;
        }
        const now = Date.now();
        const startsBurst = now - this.wedge.lastKeyAt > WEDGE_KEY_INTERVAL_MS;
        this.wedge.lastKeyAt = now;
        const uidInput = this.rootRef.el?.querySelector(UID_SELECTOR);
        if (ev.target === uidInput) {
            this.onUidKeydown(ev, uidInput, startsBurst);
        } else if (!ev.target.closest?.("input, textarea, select, [contenteditable]")) {
            // The keys of another input are its own
            this.onUnfocusedKeydown(ev, startsBurst);
        }
    }

    /**
     * A new swipe into the field that still shows the last card replaces it.
     * @param {KeyboardEvent} ev
     * @param {HTMLInputElement} uidInput
     * @param {Boolean} startsBurst
     */
    onUidKeydown(ev, uidInput, startsBurst) {
        if (
            startsBurst &&
            UID_CHARACTER.test(ev.key) &&
            uidInput.value &&
            uidInput.value === (this.model.root.data.card_uid || "")
        ) {
            uidInput.select();
        }
    }

    /**
     * No input has the focus: gather a fast burst of keys; its Enter puts it in
     * the UID field.
     * @param {KeyboardEvent} ev
     * @param {Boolean} startsBurst
     */
    onUnfocusedKeydown(ev, startsBurst) {
        if (ev.key === "Enter") {
            const uid = this.wedge.buffer;
            this.wedge.buffer = "";
            if (uid.length >= MIN_UID_LENGTH && !startsBurst) {
                ev.preventDefault();
                ev.stopPropagation();
                this.model.root.update({card_uid: uid}).then(() => this.focusUid());
            }
        } else if (UID_CHARACTER.test(ev.key)) {
            this.wedge.buffer = startsBurst ? ev.key : this.wedge.buffer + ev.key;
        } else {
            this.wedge.buffer = "";
        }
    }
}

export const onecardDeskFormView = {
    ...formView,
    Controller: OnecardDeskFormController,
};

registry.category("views").add("onecard_desk_form", onecardDeskFormView);
