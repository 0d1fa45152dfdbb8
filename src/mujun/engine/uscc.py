"""统一社会信用代码 check digit, GB 32100-2015 (evaluation.md §7)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}

# byte -> alphabet value, -1 for bytes outside the alphabet
_LOOKUP = np.full(256, -1, dtype=np.int16)
for _ch, _v in _VALUE.items():
    _LOOKUP[ord(_ch)] = _v


def normalize(code: str) -> str:
    """Credit codes are trimmed and upper-cased wherever they appear."""
    return code.strip().upper()


def check_char(body17: str) -> str:
    """The 18th character for a 17-character body (all characters must be in the alphabet)."""
    total = sum(_VALUE[ch] * w for ch, w in zip(body17, WEIGHTS, strict=True))
    c = 31 - total % 31
    return ALPHABET[0 if c == 31 else c]


def is_valid(code: str) -> bool:
    code = normalize(code)
    if len(code) != 18 or any(ch not in _VALUE for ch in code):
        return False
    return check_char(code[:17]) == code[17]


def problem(code: str) -> str | None:
    """Why a (normalized) code is invalid, in Chinese for clerks; None when it is valid."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实为{len(code)}位"
    bad = [ch for ch in code if ch not in _VALUE]
    if bad:
        return f"统一社会信用代码含非法字符 {''.join(dict.fromkeys(bad))}（不可用 I、O、S、V、Z）"
    if check_char(code[:17]) != code[17]:
        return f"统一社会信用代码校验位错误（应为 {check_char(code[:17])}）"
    return None


def valid_mask_arrow(codes: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Vectorised check of normalized codes in an Arrow text array: True where valid (nulls are
    not), read from its bytes directly — a province's million codes without a Python string
    each.

    Lengths and bytes are read with numpy from the array's buffers: no Arrow compute function
    with a Python number, whose first use imports pandas (pyarrow asks whether the number is a
    pandas object; ≈ 48 MB and a quarter of a second at the reading's peak, docs/benchmarks.md,
    "Around the engine")."""
    if isinstance(codes, pa.ChunkedArray):
        codes = codes.combine_chunks()
    if not pa.types.is_large_string(codes.type):  # Polars hands over large strings: no copy
        codes = codes.cast(pa.string())
    n = len(codes)
    validity, offset_buffer, data_buffer = codes.buffers()
    offset_type = np.int64 if pa.types.is_large_string(codes.type) else np.int32
    offsets = np.frombuffer(offset_buffer, dtype=offset_type)[codes.offset:codes.offset + n + 1]
    # 18 bytes: 18 ASCII characters, or fewer with a byte ≥ 128 somewhere, which is invalid
    ok: np.ndarray = np.diff(offsets) == 18
    if codes.null_count:
        bits = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")
        ok &= bits[codes.offset:codes.offset + n].astype(bool)
    if not ok.any():
        return ok
    data = np.frombuffer(data_buffer, dtype=np.uint8)
    starts = offsets[:-1][ok]
    contiguous = bool(ok.all())  # then the codes lie one after the other
    valid = np.empty(len(starts), dtype=bool)
    for at in range(0, len(starts), _BLOCK_ROWS):  # in blocks: the temporaries stay small
        block = starts[at:at + _BLOCK_ROWS]
        if contiguous:
            rows = data[block[0]:block[0] + 18 * len(block)].reshape(-1, 18)
        else:
            rows = data[block[:, None] + _POSITIONS]
        valid[at:at + _BLOCK_ROWS] = _valid_rows(rows)
    ok[ok] = valid
    return ok


#: codes checked at once by ``valid_mask_arrow`` (a few MB of temporaries for each block)
_BLOCK_ROWS = 1 << 16
_WEIGHTS17 = np.array(WEIGHTS, dtype=np.int16)
_POSITIONS = np.arange(18)


def _valid_rows(chars: np.ndarray) -> np.ndarray:
    """The check of codes given as rows of 18 bytes."""
    values = _LOOKUP[chars]
    total = values[:, :17] @ _WEIGHTS17  # at most 17 × 30 × 30: an int16 still
    c = 31 - total % 31
    c[c == 31] = 0
    result: np.ndarray = (values.min(axis=1) >= 0) & (values[:, 17] == c)
    return result
