"""CSV that is safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets, so a visitor who registers as
``=HYPERLINK(...)`` would put a live formula into an exhibitor's lead list (CSV injection,
https://owasp.org/www-community/attacks/CSV_Injection). Every CSV the project writes goes
through ``writer`` here: ``defusedcsv`` prefixes such cells with an apostrophe, which the
spreadsheet shows as text; the tab and carriage return that it lets pass are handled the
same way.
"""

from defusedcsv import csv as defused

# Leading characters that defusedcsv does not look at but spreadsheets still evaluate after.
_FORMULA_AFTER = ("\t", "\r")


def _cell(value):
    if isinstance(value, str) and value.startswith(_FORMULA_AFTER):
        return "'" + value
    return value


class _Writer:
    def __init__(self, out, **options):
        self._writer = defused.writer(out, **options)

    def writerow(self, row):
        return self._writer.writerow([_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(out, **options):
    """A ``csv.writer`` on ``out`` whose cells can never become formulas."""
    return _Writer(out, **options)
