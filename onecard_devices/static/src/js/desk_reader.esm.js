/** @odoo-module **/
/**
 * Desk card reader: card UIDs read by the desk PC's PC/SC agent
 * (onecard_devices/agent/desk_reader.py -> POST /onecard/desk/reader) arrive on
 * the bus as `onecard_desk_uid` notifications for the operator's partner. While
 * the Operator Desk (its form controller, onecard_desk_form) is open, the UID is
 * written into its `card_uid` field, which runs the same onchange and save as a
 * keyboard-wedge reader.
 */
import {onMounted, onWillUnmount} from "@odoo/owl";
import {OnecardDeskFormController} from "@onecard_consume/js/onecard_desk_form.esm";
import {_t} from "@web/core/l10n/translation";
import {patch} from "@web/core/utils/patch";
import {useService} from "@web/core/utils/hooks";

export const DESK_UID_NOTIFICATION = "onecard_desk_uid";

patch(OnecardDeskFormController.prototype, {
    setup() {
        super.setup(...arguments);
        const busService = useService("bus_service");
        const notification = useService("notification");
        const onDeskUid = async ({uid} = {}) => {
            const record = this.model.root;
            if (!uid || !record) {
                return;
            }
            if (document.body.classList.contains("modal-open")) {
                // A wizard is open over the desk: do not change the card under it.
                notification.add(
                    _t("Card %s read: close the dialog to load it on the desk.", uid),
                    {
                        type: "warning",
                    }
                );
                return;
            }
            await record.update({card_uid: uid});
            this.focusUid();
        };
        onMounted(() => {
            busService.subscribe(DESK_UID_NOTIFICATION, onDeskUid);
            busService.start();
        });
        onWillUnmount(() => busService.unsubscribe(DESK_UID_NOTIFICATION, onDeskUid));
    },
});
