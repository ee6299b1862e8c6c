"""Data-derived text made safe for a terminal or a log line.

A raw value can hold terminal control sequences: ESC (``\\x1b[2K`` erases a
line, ``\\x1b[32m`` turns it green), BEL, a carriage return that moves back
over the line, C1 controls (``\\x9b`` is a one-byte CSI on some terminals), or
Unicode format characters (bidi overrides, zero-width characters) that make a
line read differently than it is. Printed as they are, a value in a quarantine
message can erase the "FAILED" line and print "all checks passed".

`terminal_safe` shows every such character as ``<U+XXXX>``, the notation the
quarantine messages already use for invisible characters
(`escape_invisible` in macros/staging/clean_strings.sql). Newlines and tabs
stay: they are the layout of the project's own multi-line messages. The result
holds no character it would escape, so applying it twice changes nothing.
"""

from __future__ import annotations

import unicodedata

# kept as they are: the line structure of multi-line messages
KEPT = frozenset("\n\t")
# Unicode categories shown as <U+XXXX>: controls (C0, DEL, C1), format characters (bidi overrides,
# zero-width characters, the byte-order mark), line and paragraph separators
ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def code_point(char: str) -> str:
    """'\\x1b' -> '<U+001B>'."""
    return f"<U+{ord(char):04X}>"


def is_unsafe(char: str) -> bool:
    return char not in KEPT and unicodedata.category(char) in ESCAPED_CATEGORIES


def terminal_safe(text: object) -> str:
    """`text` (str() of it) with control and format characters shown as <U+XXXX>, newlines and tabs kept."""
    value = str(text)
    if value.isprintable():  # the common case: nothing to escape (no newline, tab or control character)
        return value
    return "".join(code_point(char) if is_unsafe(char) else char for char in value)
