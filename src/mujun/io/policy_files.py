"""Policy files in: the one place that turns a path or uploaded bytes into policy text.

A policy file is at most :data:`MAX_POLICY_BYTES` of UTF-8 text (a byte-order mark is allowed); a
file that cannot be read, is too large or is in another encoding is a
:class:`~mujun.engine.policy.PolicyError` naming the file, with one problem for the file as a
whole. Parsing and validating the text stay in the engine
(:func:`mujun.engine.policy.load_policy_text`), which opens no user path; the shipped policies are
read there from the package's resources. The command line reads policies through
:func:`load_policy`; the web never opens a path: it takes a shipped name or an uploaded text
(:func:`policy_text`; docs/security.md).
"""

from __future__ import annotations

from pathlib import Path

from mujun.engine.policy import (
    DEFAULT_POLICY,
    LoadedPolicy,
    PolicyError,
    load_policy_text,
    load_shipped_policy,
    shipped_policy_names,
)

MAX_POLICY_BYTES = 256 * 1024
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _refuse(source: str, message: str) -> PolicyError:
    return PolicyError(source, [("", message)])


def policy_text(data: bytes, *, source: str) -> str:
    """The bytes of policy file ``source`` as text; refuses oversized and non-UTF-8 files."""
    if len(data) > MAX_POLICY_BYTES:
        raise _refuse(source, f"a policy file is at most {MAX_POLICY_BYTES // 1024} KB")
    if data.startswith(_UTF16_BOMS):
        raise _refuse(source, "the file is not UTF-8 text (it is UTF-16: save it as UTF-8)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(source, "the file is not UTF-8 text") from None


def read_policy_file(path: str | Path) -> LoadedPolicy:
    """Read and validate the policy file at ``path`` (for the command line only)."""
    source = str(path)
    try:
        with Path(path).open("rb") as fh:
            data = fh.read(MAX_POLICY_BYTES + 1)
    except OSError as exc:
        raise _refuse(source, f"cannot read the file: {exc.strerror}") from None
    return load_policy_text(policy_text(data, source=source), source)


def load_policy(name_or_file: str | Path | None = None) -> LoadedPolicy:
    """A shipped policy by name, or a YAML file by path; the default template when None.

    Opens any path it is given: for the command line only (the web uses
    :func:`~mujun.engine.policy.load_shipped_policy` and :func:`policy_text`)."""
    ref = str(name_or_file) if name_or_file is not None else DEFAULT_POLICY
    path = Path(ref)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return read_policy_file(path)
    if ref not in shipped_policy_names():
        known = ", ".join(shipped_policy_names())
        raise _refuse(ref, f"no such policy file or shipped policy (shipped: {known})")
    return load_shipped_policy(ref)
