"""A refused policy upload names the file (io/policy_files.py), shortened, and echoes no content."""

from __future__ import annotations

from tests.security.conftest import SignIn


def test_a_utf16_upload_is_refused_naming_the_file(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    r = admin.post("/api/policies/check",
                   files={"file": ("政策.yaml", "name: x\n".encode("utf-16"))})
    assert r.status_code == 422
    assert ("评价办法 政策.yaml 有问题：(file)：文件不是 UTF-8 文本（是 UTF-16，请另存为 UTF-8）"
            in r.text)


def test_an_oversized_what_if_upload_names_the_file(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    token = admin.headers["X-CSRF-Token"]
    big = b"name: x\n" + b"# padding\n" * 30_000
    r = admin.post("/runs/2/what-if", data={"csrf_token": token},
                   files={"file": ("big.yaml", big)})
    assert r.status_code == 422
    assert "评价办法 big.yaml 有问题：(file)：评价办法文件不能超过 256 KB" in r.text
