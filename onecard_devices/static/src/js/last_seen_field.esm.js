/** @odoo-module **/
/**
 * "Last seen" of a terminal: the date and time it last called in, or "never".
 *
 * An empty datetime reads as blank, which an operator takes for "not loaded" or
 * "unknown"; a terminal that never called in must say so (form, list, kanban).
 * Only the read-only display changes: the value, its sorting and its format stay
 * Odoo's own datetime field.
 */
import {DateTimeField, dateTimeField} from "@web/views/fields/datetime/datetime_field";
import {
    ListDateTimeField,
    listDateTimeField,
} from "@web/views/fields/datetime/list_datetime_field";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";

const neverWhenEmpty = (Base) =>
    class extends Base {
        getFormattedValue(valueIndex) {
            return super.getFormattedValue(valueIndex) || _t("never");
        }
    };

export const LastSeenField = neverWhenEmpty(DateTimeField);
export const ListLastSeenField = neverWhenEmpty(ListDateTimeField);

registry
    .category("fields")
    .add("onecard_last_seen", {...dateTimeField, component: LastSeenField})
    .add("list.onecard_last_seen", {
        ...listDateTimeField,
        component: ListLastSeenField,
    });
