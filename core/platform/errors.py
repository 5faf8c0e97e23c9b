"""The one shape of a refusal: a ``key`` naming the offending field, option or action,
and a ``message`` saying why in Chinese.  Every module that refuses input or a move
subclasses it, so forms put the message next to ``key`` and commands print one line.
"""
from __future__ import annotations


class Refused(ValueError):
    #: whether ``str()`` starts with the key (one line for standard error) or is the
    #: message alone (for a page)
    key_in_text = True

    def __init__(self, key: str, message: str) -> None:
        super().__init__(key, message)
        self.key = key
        self.message = message

    def __str__(self) -> str:
        return f"{self.key}: {self.message}" if self.key and self.key_in_text else self.message


def has_control_character(text: str) -> bool:
    """A character no one types and no PostgreSQL text column takes (NUL), or one that breaks a line
    of a header or a file: the C0 controls but tab and line breaks, DEL, a lone surrogate."""
    return any((ord(ch) < 32 and ch not in "\n\r\t") or 0xD800 <= ord(ch) <= 0xDFFF or ord(ch) == 0x7F
               for ch in text)


def strip_control_characters(text: str) -> str:
    """``text`` without the characters :func:`has_control_character` finds (a search term)."""
    return "".join(ch for ch in text if not has_control_character(ch))


def typed_text(value, key: str, what: str, *, limit: int, required: bool = True,
               refused: type[Refused] = Refused) -> str | None:
    """A text field as typed, stripped: ``refused(key, …)`` saying in Chinese that ``what`` is
    missing (when ``required``), longer than ``limit`` characters or holds a control character
    (a NUL no PostgreSQL text column takes); None when left empty."""
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise refused(key, f"请填写{what}")
    if len(text) > limit:
        raise refused(key, f"{what}不能超过 {limit} 字")
    if has_control_character(text):
        raise refused(key, f"{what}含有不能保存的控制字符")
    return text or None


def failure_text(exc: BaseException, limit: int) -> str:
    """An exception as it is kept on a row for the people who look into it (后台任务, 发件箱, 我的下载):
    its class and message, at most ``limit`` characters."""
    return f"{type(exc).__name__}: {exc}".strip()[:limit]
