/** @odoo-module **/
/**
 * A terminal that never called in says "never" under Last seen (kanban, list, form),
 * one that did shows its time; the form's Card Lists button opens the terminal's
 * lists with the "not loaded" filter (test_terminal_screens.py sets the data up).
 */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("onecard_terminal_never_tour", {
    steps: () => [
        {
            content: "Kanban: the never-seen terminal says never",
            trigger:
                ".o_kanban_record:contains('Tour Never Seen') .o_field_widget[name=last_seen]:contains('never')",
        },
        {
            content: "Kanban: the seen terminal shows a time",
            trigger:
                ".o_kanban_record:contains('Tour Seen Terminal') .o_field_widget[name=last_seen]:not(:contains('never'))",
        },
        {
            content: "Switch to the list",
            trigger: "button.o_switch_view.o_list",
            run: "click",
        },
        {
            content: "List: never",
            trigger:
                ".o_data_row:contains('Tour Never Seen') td[name=last_seen]:contains('never')",
        },
        {
            content: "List: the seen terminal's time",
            trigger:
                ".o_data_row:contains('Tour Seen Terminal') td[name=last_seen]:not(:contains('never'))",
        },
        {
            content: "Open the never-seen terminal",
            trigger: ".o_data_row:contains('Tour Never Seen') td[name=name]",
            run: "click",
        },
        {
            content: "Status tab",
            trigger: ".o_form_view .o_notebook a.nav-link:contains('Status')",
            run: "click",
        },
        {
            content: "Form: never",
            trigger: ".o_form_view .o_field_widget[name=last_seen]:contains('never')",
        },
        {
            content: "Open the terminal's card lists",
            trigger:
                ".o_form_view button[name=action_view_card_lists]:contains('not loaded')",
            run: "click",
        },
        {
            content: "The lists, filtered on what the terminal has not loaded",
            trigger:
                ".o_list_view .o_searchview_facet:contains('Not Loaded by the Terminal')",
        },
        {
            content: "The whitelist holds the terminal's card",
            trigger: ".o_list_view .o_group_header:contains('Whitelist')",
        },
    ],
});
