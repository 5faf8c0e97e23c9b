"""Where policy cases come from: the folders each installed plugin names through the hook
``zc_policy_cases`` (its own package data, so a third-party jurisdiction's cases are found
the same way), or the files and folders given on the command line.

A folder holds case files (``*.yaml``, read in name order) and at most one ``bases.yaml``.  A
case's named base is looked up in the ``bases.yaml`` of its own folder first, then among the
bases its jurisdiction's plugin ships.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Iterable

from core.platform.jurisdictions import registry
from core.policy_cases.casefile import BASES_FILE, Case, CaseFileError, read_bases, read_cases

__all__ = ["CaseFile", "shipped_files", "read_files", "path_files", "shipped_cases"]


@dataclass(frozen=True)
class CaseFile:
    """A case file and the jurisdiction its cases belong to when they name none."""

    path: Traversable
    shown: str  # as people see it: relative to the working folder where it can be
    jurisdiction: str | None
    bases: Traversable | None  # the bases.yaml beside it, if any


def _shown(path: Traversable) -> str:
    if isinstance(path, Path):
        try:
            relative = os.path.relpath(path)
        except ValueError:  # another drive
            return str(path)
        return str(path) if relative.startswith("..") else relative
    return str(path)


def _files_of(root: Traversable, jurisdiction: str | None) -> list[CaseFile]:
    """The case files of a folder (not its sub-folders), or the file itself."""
    if root.is_file():
        folder_bases = None
        if isinstance(root, Path) and (root.parent / BASES_FILE).is_file():
            folder_bases = root.parent / BASES_FILE
        if root.name == BASES_FILE:
            return []
        return [CaseFile(root, _shown(root), jurisdiction, folder_bases)]
    if not root.is_dir():
        raise CaseFileError(_shown(root), None, "path", "找不到该文件或文件夹")
    entries = sorted((e for e in root.iterdir() if e.is_file() and e.name.endswith((".yaml", ".yml"))),
                     key=lambda e: e.name)
    bases = next((e for e in entries if e.name == BASES_FILE), None)
    return [CaseFile(e, _shown(e), jurisdiction, bases) for e in entries if e.name != BASES_FILE]


def _roots(code: str) -> list[Traversable]:
    return [Path(root) if isinstance(root, str) else root for root in registry().policy_case_sources(code)]


def shipped_files(code: str) -> list[CaseFile]:
    """The case files the plugins of ``code`` ship (hook ``zc_policy_cases``)."""
    return [f for root in _roots(code) for f in _files_of(root, code)]


def _shipped_bases(code: str) -> list[Traversable]:
    """The bases files the plugins of ``code`` ship: the bases.yaml of each folder they name."""
    found = []
    for root in _roots(code):
        if root.is_dir() and (root / BASES_FILE).is_file():
            found.append(root / BASES_FILE)
    return found


def path_files(paths: Iterable[str], jurisdiction: str | None) -> list[CaseFile]:
    """The case files of the paths given on the command line."""
    found: list[CaseFile] = []
    for text in paths:
        found += _files_of(Path(text), jurisdiction)
    return found


def _read_text(path: Traversable, shown: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CaseFileError(shown, None, "encoding", "文件不是 UTF-8 编码的文字") from None
    except OSError as exc:
        raise CaseFileError(shown, None, "path", f"无法读取：{exc.strerror or exc}") from None


class _Bases:
    """Named bases: a folder's own first, then those its jurisdiction's plugins ship."""

    def __init__(self) -> None:
        self._files: dict[str, dict[str, dict[str, Any]]] = {}
        self._shipped: dict[str, dict[str, dict[str, Any]]] = {}

    def of_file(self, path: Traversable | None) -> dict[str, dict[str, Any]]:
        if path is None:
            return {}
        key = str(path)
        if key not in self._files:
            shown = _shown(path)
            self._files[key] = read_bases(shown, _read_text(path, shown))
        return self._files[key]

    def shipped(self, code: str) -> dict[str, dict[str, Any]]:
        if code not in self._shipped:
            merged: dict[str, dict[str, Any]] = {}
            for path in _shipped_bases(code):
                for name, body in self.of_file(path).items():
                    if name in merged:
                        raise CaseFileError(_shown(path), None, name, f"{code} 的基准名称重复")
                    merged[name] = body
            self._shipped[code] = merged
        return self._shipped[code]

    def finder(self, f: CaseFile):
        own = self.of_file(f.bases)

        def find(code: str, name: str) -> dict[str, Any] | None:
            return own.get(name) or self.shipped(code).get(name)
        return find


def read_files(files: Iterable[CaseFile]) -> list[Case]:
    """Every case of ``files``, checked; the first malformed file raises :class:`CaseFileError`."""
    bases = _Bases()
    cases: list[Case] = []
    for f in files:
        cases += read_cases(f.shown, _read_text(f.path, f.shown), jurisdiction=f.jurisdiction,
                            bases=bases.finder(f))
    return cases


def shipped_cases(code: str) -> list[Case]:
    """The cases the installed plugins ship for ``code`` (only those of ``code``)."""
    return [c for c in read_files(shipped_files(code)) if c.jurisdiction == code]
