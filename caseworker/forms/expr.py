"""The forms' expression language: XLSForm's `relevant`, `constraint` and `calculation` syntax, a subset.

`${field}` names an earlier field, `.` the field's own answer (in a constraint); numbers, 'text' or "text";
`or`, `and`, `=`, `!=`, `<`, `<=`, `>`, `>=`, `+`, `-`, `*`, `div`, `mod`, unary `-`, parentheses; and the
functions in FUNCTIONS. Values follow XPath as ODK Collect evaluates it: an unanswered or hidden field is
the empty text, which is not a number (so `${age} > 5` is false until age is answered) and `${x} = ''` is
true; a select_multiple answer is its chosen values. A form's expressions are parsed when the form loads,
so a typo is an error of the form, never of an assessment.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = ["FUNCTIONS", "Expr", "ExprError", "evaluate", "parse", "truthy"]

# name -> (fewest, most) arguments
FUNCTIONS: dict[str, tuple[int, int]] = {
    "not": (1, 1),
    "selected": (2, 2),
    "count-selected": (1, 1),
    "if": (3, 3),
    "coalesce": (2, 2),
    "number": (1, 1),
    "int": (1, 1),
    "round": (1, 2),
    "string-length": (1, 1),
    "concat": (1, 20),
    "true": (0, 0),
    "false": (0, 0),
    "today": (0, 0),
}
# Functions of XLSForm we know but cannot take, with what to do instead (Indonesian, English).
_REFUSED = {
    "sum": (
        "sum() menjumlahkan grup berulang (repeat), yang tidak didukung; jumlahkan isian dengan +",
        "sum() adds up a repeat group, which is not supported; add the fields with +",
    ),
    "pulldata": (
        "pulldata() membaca berkas luar, yang tidak didukung",
        "pulldata() reads outside files, not supported",
    ),
    "jr:choice-name": ("jr:choice-name() tidak didukung", "jr:choice-name() is not supported"),
}

_TOKEN = re.compile(
    r"\s*(?:(?P<ref>\$\{[^}]*\})|(?P<str>'[^']*'|\"[^\"]*\")|(?P<num>\d+(?:\.\d+)?|\.\d+)"
    r"|(?P<op>!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)|(?P<self>\.)|(?P<name>[A-Za-z_][A-Za-z0-9_:.-]*))"
)
_REF_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


class ExprError(ValueError):
    """An expression the language cannot take: `text_id` / `text_en` say what and what to change."""

    def __init__(self, text_id: str, text_en: str) -> None:
        super().__init__(text_en)
        self.text_id, self.text_en = text_id, text_en


@dataclass(frozen=True)
class Expr:
    """A parsed expression: its text (as written, for storage) and its tree of tuples (hashable)."""

    text: str
    tree: tuple[Any, ...]
    refs: frozenset[str]


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            bad = text[pos:].strip()[:20]
            raise ExprError(f"tidak dipahami di '{bad}'", f"cannot understand '{bad}'")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.refs: set[str] = set()

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise ExprError("ungkapan berhenti di tengah", "the expression ends too early")
        self.i += 1
        return tok

    def expect(self, value: str) -> None:
        tok = self.take()
        if tok[1] != value:
            raise ExprError(
                f"diharapkan '{value}', tertulis '{tok[1]}'", f"expected '{value}', found '{tok[1]}'"
            )

    def at(self, *values: str) -> str | None:
        tok = self.peek()
        return tok[1] if tok is not None and tok[0] in ("op", "name") and tok[1] in values else None

    def binary(self, ops: tuple[str, ...], lower: Callable[[], tuple[Any, ...]]) -> tuple[Any, ...]:
        left = lower()
        while (op := self.at(*ops)) is not None:
            self.take()
            left = ("bin", op, left, lower())
        return left

    def expr(self) -> tuple[Any, ...]:
        return self.binary(("or",), self.and_)

    def and_(self) -> tuple[Any, ...]:
        return self.binary(("and",), self.equality)

    def equality(self) -> tuple[Any, ...]:
        return self.binary(("=", "!="), self.relational)

    def relational(self) -> tuple[Any, ...]:
        return self.binary(("<", "<=", ">", ">="), self.additive)

    def additive(self) -> tuple[Any, ...]:
        return self.binary(("+", "-"), self.multiplicative)

    def multiplicative(self) -> tuple[Any, ...]:
        return self.binary(("*", "div", "mod"), self.unary)

    def unary(self) -> tuple[Any, ...]:
        if self.at("-"):
            self.take()
            return ("neg", self.unary())
        return self.primary()

    def primary(self) -> tuple[Any, ...]:
        kind, value = self.take()
        if kind == "num":
            return ("num", float(value) if "." in value else int(value))
        if kind == "str":
            return ("str", value[1:-1])
        if kind == "self":
            return ("self",)
        if kind == "ref":
            name = value[2:-1].strip()
            if not _REF_NAME.match(name):
                raise ExprError(f"rujukan '{value}' tidak valid", f"'{value}' is not a valid reference")
            self.refs.add(name)
            return ("ref", name)
        if kind == "op" and value == "(":
            inner = self.expr()
            self.expect(")")
            return inner
        if kind == "name":
            if self.at("(") is None:
                raise ExprError(
                    f"'{value}' tidak dikenal; tulis rujukan isian sebagai ${{nama}}",
                    f"'{value}' is unknown; write a field reference as ${{name}}",
                )
            if value in _REFUSED:
                raise ExprError(*_REFUSED[value])
            if value not in FUNCTIONS:
                known = ", ".join(f"{n}()" for n in FUNCTIONS)
                raise ExprError(
                    f"fungsi {value}() tidak didukung; yang didukung: {known}",
                    f"function {value}() is not supported; supported: {known}",
                )
            self.expect("(")
            args: list[tuple[Any, ...]] = []
            if not self.at(")"):
                args.append(self.expr())
                while self.at(","):
                    self.take()
                    args.append(self.expr())
            self.expect(")")
            low, high = FUNCTIONS[value]
            if not low <= len(args) <= high:
                raise ExprError(
                    f"{value}() menerima {low}-{high} argumen, tertulis {len(args)}",
                    f"{value}() takes {low}-{high} arguments, {len(args)} given",
                )
            if value in ("selected", "count-selected") and args[0][0] not in ("ref", "self"):
                raise ExprError(
                    f"argumen pertama {value}() harus rujukan isian ${{nama}}",
                    f"the first argument of {value}() must be a field reference ${{name}}",
                )
            return ("call", value, tuple(args))
        raise ExprError(f"'{value}' tidak pada tempatnya", f"'{value}' is out of place")


def parse(text: str) -> Expr:
    """Parse one expression, or raise ExprError saying what to change."""
    if not isinstance(text, str) or not text.strip():
        raise ExprError("ungkapan kosong", "the expression is empty")
    p = _Parser(text)
    tree = p.expr()
    if p.peek() is not None:
        rest = p.peek()[1]  # type: ignore[index]
        raise ExprError(f"'{rest}' tidak pada tempatnya", f"'{rest}' is out of place")
    return Expr(text.strip(), tree, frozenset(p.refs))


# --- evaluation -------------------------------------------------------------------------------------------


def _num(v: Any) -> float:
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, str) and v.strip():
        try:
            return float(v)
        except ValueError:
            return math.nan
    return math.nan


def _str(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, list | tuple):
        return " ".join(_str(x) for x in v)
    return str(v)


def truthy(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return not math.isnan(v) and v != 0
    if isinstance(v, list | tuple):
        return bool(v)
    return v is not None and v != ""


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return truthy(a) == truthy(b)
    if _is_number(a) or _is_number(b):
        return _num(a) == _num(b)
    return _str(a) == _str(b)


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _relate(op: str, a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str) and _DAY.match(a) and _DAY.match(b):
        x: Any = a
        y: Any = b  # ISO dates compare as text, in order
    else:
        x, y = _num(a), _num(b)
        if math.isnan(x) or math.isnan(y):
            return False
    return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]


def _chosen(v: Any) -> list[str]:
    if isinstance(v, list | tuple):
        return [str(x) for x in v]
    return _str(v).split()


def evaluate(expr: Expr, lookup: Callable[[str], Any], own: Any = None, today: date | None = None) -> Any:
    """The expression's value: a number (float; NaN when not a number), text, a bool or a list of choices."""

    def ev(node: tuple[Any, ...]) -> Any:
        kind = node[0]
        if kind in ("num", "str"):
            return node[1]
        if kind == "ref":
            value = lookup(node[1])
            return "" if value is None else value
        if kind == "self":
            return "" if own is None else own
        if kind == "neg":
            return -_num(ev(node[1]))
        if kind == "bin":
            op, left = node[1], node[2]
            if op == "or":
                return truthy(ev(left)) or truthy(ev(node[3]))
            if op == "and":
                return truthy(ev(left)) and truthy(ev(node[3]))
            a, b = ev(left), ev(node[3])
            if op == "=":
                return _equal(a, b)
            if op == "!=":
                return not _equal(a, b)
            if op in ("<", "<=", ">", ">="):
                return _relate(op, a, b)
            x, y = _num(a), _num(b)
            if op == "+":
                return x + y
            if op == "-":
                return x - y
            if op == "*":
                return x * y
            if y == 0 or math.isnan(y):
                return math.nan if op == "mod" or x == 0 or math.isnan(x) else math.copysign(math.inf, x)
            return x / y if op == "div" else math.fmod(x, y)
        return _call(node[1], node[2])

    def _call(name: str, args: tuple[tuple[Any, ...], ...]) -> Any:
        if name == "if":
            return ev(args[1]) if truthy(ev(args[0])) else ev(args[2])
        values = [ev(a) for a in args]
        if name == "not":
            return not truthy(values[0])
        if name == "selected":
            return _str(values[1]) in _chosen(values[0])
        if name == "count-selected":
            return float(len(_chosen(values[0])))
        if name == "coalesce":
            return values[0] if _str(values[0]) != "" else values[1]
        if name == "number":
            return _num(values[0])
        if name == "int":
            x = _num(values[0])
            return float(math.trunc(x)) if math.isfinite(x) else x
        if name == "round":
            x, places = _num(values[0]), int(_num(values[1])) if len(values) > 1 else 0
            return float(round(x, places)) if math.isfinite(x) else x
        if name == "string-length":
            return float(len(_str(values[0])))
        if name == "concat":
            return "".join(_str(v) for v in values)
        if name == "true":
            return True
        if name == "false":
            return False
        return (today or date.today()).isoformat()  # today()

    return ev(expr.tree)


def stored_value(value: Any) -> Any:
    """A calculation's result as an answer is stored: whole numbers as int, NaN and empty text as None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() else value
    if isinstance(value, list | tuple):
        return _str(value) or None
    return value if value != "" else None
