"""Files the user hands us (answers files, rosters, .copier-answers.yml), read defensively.

Read with a size limit and parsed without YAML aliases, so a hostile file costs milliseconds, not
gigabytes; binary or non-UTF-8 content is refused in one line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlscaffold.errors import InputFileError
from mlscaffold.faults import shorten

MAX_INPUT_BYTES = 512 * 1024


def read_input(path: Path, what: str, hint: str, limit: int = MAX_INPUT_BYTES) -> str:
    """Read a user-supplied text file, refusing what no such file could be."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise InputFileError(f"{what} {path} does not exist.", hint) from None
    except IsADirectoryError:
        raise InputFileError(f"{what} {path} is a folder, not a file.", hint) from None
    except OSError as err:
        raise InputFileError(f"Cannot read {what.lower()} {path}: {err.strerror}.", hint) from None
    if len(data) > limit:
        raise InputFileError(
            f"{what} {path} is larger than {limit // 1024} KiB, too large for this kind of file.",
            hint,
        )
    if b"\x00" in data:
        raise InputFileError(f"{what} {path} is a binary file, not text.", hint)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError(f"{what} {path} is not UTF-8 text.", hint) from None


def load_yaml(text: str, what: str, hint: str) -> object:
    """YAML without aliases (a 356-byte alias bomb must not cost gigabytes) or deep nesting."""
    import yaml

    class DuplicateKeyError(yaml.YAMLError):
        def __init__(self, key: str, mark: Any) -> None:
            super().__init__(key)
            self.key, self.problem_mark = key, mark

    class NoAliases(yaml.SafeLoader):
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                raise yaml.YAMLError("YAML aliases (*name) are not accepted here")
            return super().compose_node(parent, index)

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            # YAML keeps the last of two equal keys without a word: refuse instead of guessing.
            seen: set[str] = set()
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in seen:
                        raise DuplicateKeyError(key_node.value, key_node.start_mark)
                    seen.add(key_node.value)
            return super().construct_mapping(node, deep=deep)

    try:
        return yaml.load(text, Loader=NoAliases)  # a SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        if isinstance(err, DuplicateKeyError):
            detail = f"the key {shorten(repr(err.key), 60)} is given twice"
        elif "aliases" in str(err):
            detail = "it uses aliases"
        else:
            detail = "it is not valid YAML"
        raise InputFileError(f"{what} cannot be read: {detail}{where}.", hint) from None
    except RecursionError:
        raise InputFileError(f"{what} is nested too deeply.", hint) from None
    except (ValueError, OverflowError) as err:  # e.g. an integer of 5,000 digits
        raise InputFileError(
            f"{what} has a value that cannot be read: {shorten(str(err), 80)}.", hint
        ) from None
