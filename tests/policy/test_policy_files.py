"""io/policy_files.py: the one place that turns a policy path or upload into text."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mujun.engine.policy as engine_policy
from mujun.cli.main import app
from mujun.engine.policy import PolicyError
from mujun.engine.policy_messages import in_chinese
from mujun.io.policy_files import MAX_POLICY_BYTES, load_policy, policy_text, read_policy_file
from mujun.services.errors import InvalidInput
from mujun.services.policy_view import decode_upload

SMALL = "name: small\n"


def _big() -> str:
    return SMALL + "# padding\n" * (MAX_POLICY_BYTES // 10)


def test_an_oversized_file_is_refused_on_the_command_line_too(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(_big(), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        read_policy_file(path)
    assert caught.value.source == str(path)
    assert caught.value.problems == [("", "a policy file is at most 256 KB")]
    result = CliRunner().invoke(app, ["policy", "check", str(path)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"{path}: 1 problem(s)",
                                          "(file): a policy file is at most 256 KB"]


def test_a_file_just_under_the_cap_is_read(tmp_path: Path) -> None:
    text = SMALL + "#" * (MAX_POLICY_BYTES - len(SMALL) - 1) + "\n"
    path = tmp_path / "edge.yaml"
    path.write_text(text, encoding="utf-8")
    assert read_policy_file(path).policy.name == "small"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("name: x\n".encode("utf-16"),
         "the file is not UTF-8 text (it is UTF-16: save it as UTF-8)"),
        ("name: 松阳\n".encode("gb18030"), "the file is not UTF-8 text"),
    ],
)
def test_other_encodings_are_refused_naming_the_file(data: bytes, message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        policy_text(data, source="p.yaml")
    assert (caught.value.source, caught.value.problems) == ("p.yaml", [("", message)])
    with pytest.raises(InvalidInput) as refused:
        decode_upload(data, name="p.yaml")
    # the web's refusal: in Chinese, naming the file
    assert str(refused.value) == f"评价办法 p.yaml 有问题：(file)：{in_chinese(message)}"


def test_an_upload_with_a_bom_is_text() -> None:
    assert policy_text("\ufeffname: x\n".encode(), source="u") == "name: x\n"
    assert decode_upload(b"name: x\n") == "name: x\n"


def test_an_oversized_upload_names_the_file_shortened() -> None:
    name = "a" * 200 + ".yaml"
    with pytest.raises(InvalidInput) as refused:
        decode_upload(_big().encode(), name=name)
    message = str(refused.value)
    assert message.endswith("：评价办法文件不能超过 256 KB") and name not in message


def test_the_engine_opens_no_path() -> None:
    source = inspect.getsource(engine_policy)
    assert not hasattr(engine_policy, "load_policy")
    assert "Path(" not in source and "open(" not in source and ".read_text(" in source
    # the one file read left: the shipped policies, from the package's resources
    assert source.count(".read_text(") == 1 and 'resources.files("mujun.policies")' in source


def test_names_and_paths_still_resolve(tmp_path: Path) -> None:
    assert load_policy().policy.name == "zhejiang-template"
    path = tmp_path / "mine.yaml"
    path.write_text(SMALL, encoding="utf-8")
    assert load_policy(path).source == str(path)
