"""History as it was (issue 18, item 3): rows and operations store the holder's
category, operations their department, canteen and consumption category.

Rows booked before this version never recorded the holder's category: they get the
holder's category of today, the best we know (README "Limits"). Operations take what
their own ledger rows stored at booking (department, canteen, consumption category);
an operation without rows (a declined swipe) takes the holder's department and the
terminal's canteen and category of today. Only empty columns are filled, so the
script can run twice.
"""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE onecard_transaction t SET cardholder_category_id = h.category_id
          FROM onecard_cardholder h
         WHERE h.id = t.cardholder_id AND t.cardholder_category_id IS NULL
           AND h.category_id IS NOT NULL
        """
    )
    cr.execute(
        """
        UPDATE onecard_operation o
           SET department_id = COALESCE(o.department_id, r.department_id),
               cardholder_category_id = COALESCE(o.cardholder_category_id,
                                                 r.cardholder_category_id),
               canteen_id = COALESCE(o.canteen_id, r.canteen_id),
               consume_category_id = COALESCE(o.consume_category_id,
                                              r.consume_category_id)
          FROM (SELECT DISTINCT ON (operation_id) operation_id, department_id,
                       cardholder_category_id, canteen_id, consume_category_id
                  FROM onecard_transaction ORDER BY operation_id, id) r
         WHERE r.operation_id = o.id
           AND (o.department_id IS NULL OR o.cardholder_category_id IS NULL
                OR o.canteen_id IS NULL OR o.consume_category_id IS NULL)
        """
    )
    cr.execute(
        """
        UPDATE onecard_operation o
           SET department_id = COALESCE(o.department_id, h.department_id),
               cardholder_category_id = COALESCE(o.cardholder_category_id,
                                                 h.category_id)
          FROM onecard_cardholder h
         WHERE h.id = o.cardholder_id
           AND NOT EXISTS (SELECT 1 FROM onecard_transaction t
                            WHERE t.operation_id = o.id)
           AND (o.department_id IS NULL OR o.cardholder_category_id IS NULL)
        """
    )
    cr.execute(
        """
        UPDATE onecard_operation o
           SET canteen_id = COALESCE(o.canteen_id, term.canteen_id),
               consume_category_id = COALESCE(o.consume_category_id,
                                              term.consume_category_id)
          FROM onecard_terminal term
         WHERE term.id = o.terminal_id
           AND NOT EXISTS (SELECT 1 FROM onecard_transaction t
                            WHERE t.operation_id = o.id)
           AND (o.canteen_id IS NULL OR o.consume_category_id IS NULL)
        """
    )
