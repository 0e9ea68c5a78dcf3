"""Gates other apps put on the workflow, so ``cases`` need not know their models.

An app registers, in its ``AppConfig.ready``, a check for entering a stage (``"enter:case_plan"``)
or for requesting an approval (``"request:case_plan"``). A check returns ``None`` to let the case
through or a message (Bahasa Indonesia) saying what is missing. Apps also listen to
:data:`approval_decided` to mark their own record approved or rejected."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.dispatch import Signal

Check = Callable[[Any], str | None]
_gates: dict[str, list[Check]] = defaultdict(list)

# Sent inside the deciding transaction with ``approval`` (a cases.Approval) and ``actor``.
approval_decided = Signal()


def register(gate: str, check: Check) -> None:
    if check not in _gates[gate]:
        _gates[gate].append(check)


def check(gate: str, case: Any) -> None:
    """Raise ValidationError with every message of the failing checks for ``gate``."""
    problems = [m for c in _gates.get(gate, []) if (m := c(case))]
    if problems:
        raise ValidationError(problems)
