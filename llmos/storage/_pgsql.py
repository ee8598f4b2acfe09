"""The SQLite → PostgreSQL dialect: the stores' SQL stays one text, translated here once per statement.

- placeholders: `?` → `%s` outside quoted strings; every literal `%` → `%%` (psycopg reads them all);
- `json_extract(col, '$.key')` → `(col::jsonb ->> 'key')`; the scalar `MAX(a, b)`/`MIN(a, b)` →
  `GREATEST`/`LEAST` (the one-argument aggregates stay);
- `INSERT OR IGNORE` → `ON CONFLICT DO NOTHING`; `INSERT OR REPLACE` → `ON CONFLICT (key) DO UPDATE`
  on the table's primary or unique key among the inserted columns (learned from its DDL), and an
  AUTOINCREMENT column not inserted is renewed (`= DEFAULT`), as SQLite's delete-and-insert does;
- a plain INSERT into a table with an AUTOINCREMENT column gets `RETURNING col` (the `lastrowid`);
- DDL: `INTEGER PRIMARY KEY AUTOINCREMENT` → `BIGSERIAL PRIMARY KEY`, `INTEGER` → `BIGINT`,
  `REAL` → `DOUBLE PRECISION`, `BLOB` → `BYTEA`; comments dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKENS = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|\?|%|[^'\"?%]+", re.S)
_JSON = re.compile(r"json_extract\(\s*(\w+)\s*,\s*'\$\.(\w+)'\s*\)")
_SCALAR = re.compile(r"\b(MAX|MIN)\(\s*([\w.]+)\s*,\s*([\w.]+)\s*\)", re.I)
_INSERT = re.compile(r"^\s*INSERT\s+(?:OR\s+(REPLACE|IGNORE)\s+)?INTO\s+(\w+)\s*\(([^)]*)\)", re.I | re.S)
_TABLE = re.compile(r"CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+(\w+)\s*\((.*?)\)\s*;", re.I | re.S)
_COMMENT = re.compile(r"--[^\n]*")


@dataclass
class Table:
    keys: list[tuple[str, ...]] = field(default_factory=list)  # primary key first, then unique keys
    serial: str | None = None  # the AUTOINCREMENT column


@dataclass(frozen=True)
class Statement:
    sql: str
    returning: bool = False  # the statement ends with RETURNING <serial>: its first row is the lastrowid


def _split_top(body: str) -> list[str]:
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in body:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur).strip())
    return [p for p in parts if p]


def _cols(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in text.split(",") if c.strip())


def tables_of(ddl: str) -> dict[str, Table]:
    """The keys and AUTOINCREMENT column of every table a store's DDL creates."""
    out: dict[str, Table] = {}
    for m in _TABLE.finditer(_COMMENT.sub("", ddl)):
        table = Table()
        for item in _split_top(m.group(2)):
            upper = item.upper()
            head = re.match(r"(PRIMARY\s+KEY|UNIQUE)\s*\(([^)]*)\)", item, re.I)
            if head:
                key = _cols(head.group(2))
                table.keys.insert(0, key) if head.group(1).upper().startswith("PRIMARY") else table.keys.append(key)
                continue
            name = item.split()[0]
            if "PRIMARY KEY" in upper:
                table.keys.insert(0, (name,))
            elif re.search(r"\bUNIQUE\b", upper):
                table.keys.append((name,))
            if "AUTOINCREMENT" in upper:
                table.serial = name
        out[m.group(1)] = table
    return out


def ddl(text: str) -> str:
    """A store's SQLite DDL as PostgreSQL DDL."""
    text = _COMMENT.sub("", text)
    text = re.sub(r"INTEGER\s+PRIMARY\s+KEY\s+AUTOINCREMENT", "BIGSERIAL PRIMARY KEY", text, flags=re.I)
    text = re.sub(r"\bINTEGER\b", "BIGINT", text)
    text = re.sub(r"\bREAL\b", "DOUBLE PRECISION", text)
    text = re.sub(r"\bBLOB\b", "BYTEA", text)
    return _JSON.sub(r"((\1)::jsonb ->> '\2')", text)


def _placeholders(sql: str) -> str:
    out = []
    for tok in _TOKENS.findall(sql):
        if tok == "?":
            out.append("%s")
        else:  # psycopg reads `%` everywhere, quoted strings included
            out.append(tok.replace("%", "%%"))
    return "".join(out)


def _upsert(sql: str, table: Table, cols: tuple[str, ...], name: str) -> str:
    key = next((k for k in table.keys if set(k) <= set(cols)), None)
    if key is None:
        raise ValueError(f"INSERT OR REPLACE INTO {name}: no primary or unique key among the columns {cols}")
    sets = [f"{c} = EXCLUDED.{c}" for c in cols if c not in key]
    if table.serial and table.serial not in cols and table.serial not in key:
        sets.append(f"{table.serial} = DEFAULT")
    action = "DO UPDATE SET " + ", ".join(sets) if sets else "DO NOTHING"
    return f"{sql.rstrip().rstrip(';')} ON CONFLICT ({', '.join(key)}) {action}"


def _scalar(m: re.Match[str]) -> str:
    return f"{'GREATEST' if m.group(1).upper() == 'MAX' else 'LEAST'}({m.group(2)}, {m.group(3)})"


def statement(sql: str, tables: dict[str, Table], *, many: bool = False) -> Statement:
    """One store statement (SQLite's dialect) as PostgreSQL's."""
    sql = _JSON.sub(r"((\1)::jsonb ->> '\2')", sql)
    sql = _SCALAR.sub(_scalar, sql)
    m = _INSERT.match(sql)
    returning = False
    if m:
        kind, name, cols = (m.group(1) or "").upper(), m.group(2), _cols(m.group(3))
        sql = f"INSERT INTO {name} ({m.group(3)})" + sql[m.end() :]
        table = tables.get(name, Table())
        if kind == "IGNORE":
            sql = sql.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
        elif kind == "REPLACE":
            sql = _upsert(sql, table, cols, name)
        if not many and kind != "IGNORE" and table.serial and "RETURNING" not in sql.upper():
            sql = f"{sql.rstrip().rstrip(';')} RETURNING {table.serial}"
            returning = True
    return Statement(_placeholders(sql), returning)
