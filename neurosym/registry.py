"""Lazy registries: a name maps to "module:attribute", imported the first time the name is asked for.

Languages, backends and dataset formats each keep one, so a missing optional prover or an unfinished
language costs nothing until it is used, and then says so by name.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

from neurosym.result import ErrorKind, NeurosymError


class LazyRegistry:
    """Names to lazily imported objects.

    `targets` maps a name to "module:attribute", or to "module" when every entry exports the same
    `attribute` (a language module's `LANGUAGE`). `what` names the kind of thing in error messages.

    Examples
    --------
    >>> registry = LazyRegistry("codec", {"json": "json:dumps", "none": "neurosym.no_such_module:x"})
    >>> registry.get("json")([1])
    '[1]'
    >>> registry.get("none")
    Traceback (most recent call last):
    ...
    neurosym.result.NeurosymError: codec 'none' is not implemented yet
    >>> registry.get("yaml")
    Traceback (most recent call last):
    ...
    neurosym.result.NeurosymError: unknown codec 'yaml' (known: json, none)
    """

    def __init__(self, what: str, targets: dict[str, str], attribute: str | None = None,
                 unknown_kind: ErrorKind = ErrorKind.UNSUPPORTED):
        self.what = what
        self.targets = targets
        self.attribute = attribute
        self.unknown_kind = unknown_kind
        self._loaded: dict[str, Any] = {}

    def __contains__(self, name: object) -> bool:
        return name in self.targets

    def __iter__(self) -> Iterator[str]:
        return iter(self.targets)

    def get(self, name: str) -> Any:
        """The object registered under `name`; NeurosymError if it is unknown or not importable."""
        if name in self._loaded:
            return self._loaded[name]
        target = self.targets.get(name)
        if target is None:
            known = ", ".join(sorted(self.targets))
            raise NeurosymError(self.unknown_kind, f"unknown {self.what} {name!r} (known: {known})")
        module_name, _, attribute = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            raise NeurosymError(ErrorKind.UNSUPPORTED, f"{self.what} {name!r} is not implemented yet") from None
        value = getattr(module, attribute or self.attribute or name)
        self._loaded[name] = value
        return value

    def loadable(self) -> Iterator[tuple[str, Any]]:
        """(name, object) for every entry that imports; the ones that do not are passed over."""
        for name in self.targets:
            try:
                yield name, self.get(name)
            except NeurosymError:
                continue
