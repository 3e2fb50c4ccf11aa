"""Words in the client's and therapist's language, for activities (no Kivy).

Wrap every user-visible string in `_` (in .kv files too: `#:import _ expressive.api.i18n._`),
use `ngettext` for counts and `N_` for strings made at import time (translate them with `_`
where they are shown). Ship the translations in your package as
`locale/<language>/LC_MESSAGES/messages.mo`: the host finds them when it loads the activity.
`expressive catalogues update PACKAGE_FOLDER --language de` extracts your words into
`messages.po`, and `expressive catalogues compile PACKAGE_FOLDER` makes the .mo files.

Dates and numbers go through `format_date`, `format_datetime`, `format_time`,
`format_number` and `format_percent`, in the language's conventions.
"""

from expressive.i18n import (
    N_,
    _,
    format_date,
    format_datetime,
    format_number,
    format_percent,
    format_time,
    language,
    ngettext,
)

__all__ = [
    "N_",
    "_",
    "format_date",
    "format_datetime",
    "format_number",
    "format_percent",
    "format_time",
    "language",
    "ngettext",
]
