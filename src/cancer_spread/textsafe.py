"""Text from data made safe for a terminal.

Labels come from ``--with`` files and remote endpoints: a label holding escape sequences could
set the window title, clear the screen or plant a hyperlink, and bidirectional overrides could
make a line read differently from what it holds. :func:`terminal_safe` shows every control
character (C0, DEL, C1, so also ESC and the 8-bit CSI/OSC) as a visible escape and neutralises
bidirectional controls by showing them escaped as well. Table output and error messages use it;
CSV, TSV and JSON keep the exact value.

>>> terminal_safe("liver\\x1b]0;pwned\\x07")
'liver\\\\x1b]0;pwned\\\\x07'
>>> terminal_safe("abc\\u202edef")
'abc\\\\u202edef'
>>> terminal_safe("Sjögren – 65.1 %")
'Sjögren – 65.1 %'
>>> terminal_safe("two\\nlines", keep_newlines=True)
'two\\nlines'
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: the start-up path (quick.py) never imports typing
if TYPE_CHECKING:
    import re

__all__ = ["BIDI_CONTROLS", "terminal_safe"]

#: Bidirectional formatting characters (embeddings, overrides, isolates, marks).
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

# Controls (C0 but tab, DEL, C1), bidi controls, line/paragraph separators, lone surrogates.
_UNSAFE = f"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}\ud800-\udfff]"
_UNSAFE_KEEP_NL = f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}\ud800-\udfff]"


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    n = ord(c)
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def terminal_safe(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with control, escape and bidirectional-formatting characters shown as ``\\xNN`` or
    ``\\uNNNN`` (newlines kept with ``keep_newlines``; tabs are always kept)."""
    if text.isprintable():
        # Every character escaped here is a control, format, separator or surrogate, none of
        # which is printable: nothing to show (and re is not imported for the common case).
        return text
    import re

    return re.sub(_UNSAFE_KEEP_NL if keep_newlines else _UNSAFE, _escape, text)
