"""The roster (党员花名册) as an Excel workbook, both ways.

- `roster_workbook` writes the formatted export of a filtered member queryset.
- `roster_read` opens an uploaded .xlsx, .xls or .ods (one reader, python-calamine)
  defensively (size, zip bomb, sheet extent, row limit) and finds the roster in it however
  messy the layout: title rows above the header, merged or two-row headers, synonyms for the
  column names, dates and identity numbers in every shape Excel produces.
- `roster_import` validates every row as the model's own `full_clean` would (without a query
  per row: `branchsite.constraints.full_clean_many`) and writes all of them, or nothing: in
  bulk, with a history row by the acting user for every member and group membership it
  creates or changes; with `dry_run` it shows what would happen and writes nothing.
- `roster_error_workbook` returns the rows as read, with a column saying what is wrong.
- `sheet_read` is the same defensive reader for another kind of sheet, given its column spec
  (`SheetLayout`: columns, synonyms, the sentences that refuse a file): the payroll sheet of
  the dues bases (`members.dues.payroll`) is read with it.

The column names and the values of the choice columns (男/女, 正式党员…) are a file format,
not interface text: they are the national registry's wording, fixed in Chinese so that an
exported file always imports again, whatever the interface language. Messages to the user go
through gettext as everywhere else.

Formula injection: a text cell whose value starts with = + - @ or a tab/CR is written as a
string cell (data type "s", never "f") with Excel's quote-prefix flag set. The value itself is
unchanged — no apostrophe or invisible character is added — so our own import reads back
exactly what was exported, while Excel and LibreOffice show it as text and keep it text even
when the cell is edited.

The package, one module per concept: `columns` (the column spec, header normalisation),
`exporting`, `reading` (defensive file reading, with `xls_extent` for .xls), `cells` (cell
parsers), `importing` (planning and the bulk writer) and `error_workbook`, and the
workbench's import pages (`views`, not imported here). The names below are its public
interface, what the rest of the project uses; tests of one concept import from its module.
"""

from members.roster.columns import COLUMNS, SheetLayout, SheetMessages
from members.roster.error_workbook import roster_error_workbook
from members.roster.exporting import export_value, roster_title, roster_workbook
from members.roster.importing import Action, roster_import
from members.roster.reading import RosterFileError, roster_read, sheet_read

__all__ = [
    "COLUMNS",
    "Action",
    "RosterFileError",
    "SheetLayout",
    "SheetMessages",
    "export_value",
    "roster_error_workbook",
    "roster_import",
    "roster_read",
    "roster_title",
    "roster_workbook",
    "sheet_read",
]
