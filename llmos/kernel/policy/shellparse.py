"""bashlex parses a command; the constructs it cannot parse are rewritten into equivalents first.

Re-exported by `shell.py`. Anything still unparsed raises `ParseFailure`, and the command is denied.
"""

from __future__ import annotations

import re
from typing import Any

import bashlex

from llmos.kernel.policy import arrays

MAX_LENGTH = 100_000


class ParseFailure(Exception):
    pass


def parse(source: str) -> tuple[list[Any], str]:
    """bashlex trees for `source` and the text their positions refer to; raises ParseFailure."""
    if len(source) > MAX_LENGTH:
        raise ParseFailure(f"the command is longer than {MAX_LENGTH} characters")
    try:
        return list(bashlex.parse(source)), source
    except NotImplementedError as e:
        fixed = _rewrite(source, str(e))
        if fixed != source:
            return parse(fixed)
        raise ParseFailure(f"unsupported shell construct ({e})") from None
    except RecursionError:
        raise ParseFailure("the command is nested too deeply") from None
    except Exception as e:  # bashlex raises ParsingError, AttributeError, IndexError... on bad input
        fixed = _rewrite(source, str(e))
        if fixed != source:
            return parse(fixed)
        raise ParseFailure(str(e) or type(e).__name__) from None


# Constructs bashlex cannot parse, rewritten into equivalents for the analysis. Only bodies without
# substitutions are rewritten (they have no side effects but assigning numbers); anything else
# stays unparsed, and so denied.
_ARITH = re.compile(r"\$\(\(([^()`$]|\$\{?\w+\}?|\([^()`$]*\))*\)\)|\$\[[^]`$]*\]")
_TEST = re.compile(r"\[\[ ((?:[^]`$]|\$\{?\w+\}?|\](?!\]))*) \]\]")
_ARRAY = re.compile(r"(^|[;&|\s])(\w+\+?=)\([^()`$]*\)")
_ARITH_CMD = re.compile(r"(^|[;&|({]\s*|\b(?:then|do|else|if|while|until)\s+)\(\(([^()`$]|\$\{?\w+\}?)*\)\)")


def _rewrite(source: str, error: str) -> str:
    if "here-document" in error and re.search(r"<<-?\s*['\"\\]", source):  # a quoted delimiter: <<'EOF', <<\EOF
        return re.sub(r"<<(-?)\s*(?:(['\"])(\w+)\2|\\(\w+))", lambda m: f"<<{m[1]} {m[3] or m[4]}", source)
    if "time" in error:  # the `time` reserved word: parse it as the `time` command
        return re.sub(r"(^|[;&|({]\s*|\b(?:then|do|else)\s+)time(\s)", r"\1\\time\2", source)
    fixed = _ARITH.sub("${__llmos_arith__}", source)
    fixed = arrays.rewrite(fixed)
    fixed = _ARRAY.sub(lambda m: m.group(1) + m.group(2) + "${__llmos_array__}", fixed)
    fixed = _TEST.sub("true", fixed)
    return _ARITH_CMD.sub(lambda m: m.group(1) + "true", fixed)
