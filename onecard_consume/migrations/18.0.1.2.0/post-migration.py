"""Card journals lock their posted entries with Odoo's hash (issue 17, item 3).

Journals set up before this version were created without the lock. Entries posted
before it stay unhashed (Odoo hashes from the first entry posted after the lock is
set); every later settlement entry is hashed when posted.
"""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE account_journal SET restrict_mode_hash_table = TRUE
         WHERE id IN (SELECT onecard_journal_id FROM res_company
                       WHERE onecard_journal_id IS NOT NULL)
        """
    )
