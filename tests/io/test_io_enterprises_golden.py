"""Golden-file tests: odd enterprise files and exactly what comes out of them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest
from io_helpers import NEGATIVE, NOT_A_NUMBER, UNKNOWN_COLUMN, A, B, C, D, E, as_tuples, golden

from mujun.engine.fields import FIELDS
from mujun.io import ENTERPRISE_SCHEMA, InputError, read_enterprises

NOTHING_ELSE = {  # a row with only the given fields: every other field at its empty value
    f.key: (False if f.type == "bool" else 0.0 if f.empty_is_zero else None) for f in FIELDS
}


def row(**given: object) -> dict[str, object]:
    return NOTHING_ELSE | given


def test_chinese_headers_blank_cells_and_padded_lower_case_codes() -> None:
    result = read_enterprises(golden("chinese_headers.csv"))
    assert result.problems == []
    assert result.lines == [2, 3, 4]
    assert result.rows_read == 3
    assert result.table.schema == ENTERPRISE_SCHEMA
    assert result.table.to_pylist() == [
        row(uscc=A, name="松阳不锈钢管业有限公司", town="西屏街道", industry_code="33",
            above_scale=True, production_start=dt.date(2015, 3, 5), land_owned_m2=20000.0,
            land_leased_in_m2=0.0, land_leased_out_m2=0.0, tax_paid=1234.5, value_added=3000.0,
            revenue=12000.0, rd_expense=360.0, employees=150.0, energy_tce=800.0,
            emissions_t=1.5, electricity_kwh=2500000.0, water_t=12000.0, land_use_tax_due=6.0,
            high_tech=True, rd_center=True),
        row(uscc=B, name="松阳茶机制造有限公司", town="望松街道", industry_code="35",
            production_start=dt.date(2018, 7, 1), land_owned_m2=6000.0, land_leased_in_m2=500.0,
            land_leased_out_m2=200.0, tax_paid=-12.5, value_added=420.0, revenue=900.0,
            employees=30.0, high_tech=True),
        row(uscc=C, name="松阳新材料有限公司", industry_code="03", above_scale=True,
            production_start=dt.date(2010, 1, 1), land_owned_m2=8000.0, high_tech=True,
            rd_center=True),
    ]


def test_utf8_bom_crlf_and_english_keys_in_any_case() -> None:
    result = read_enterprises(golden("english_keys_bom.csv"))
    assert result.problems == []
    assert result.table.to_pylist() == [
        row(uscc=D, name="甲", tax_paid=12.0, production_start=dt.date(2021, 3, 5),
            above_scale=True, land_owned_m2=1000.0),
    ]


def test_gbk_encoded_csv() -> None:
    result = read_enterprises(golden("gbk.csv"))
    assert result.problems == []
    assert result.table.to_pylist() == [
        row(uscc=E, name="松阳县茶叶机械厂", town="象溪镇", tax_paid=88.0),
    ]


def test_bad_cells_each_reported_on_its_line_and_the_rows_left_out() -> None:
    result = read_enterprises(golden("bad_cells.csv"))
    code = "统一社会信用代码"
    invalid = " (invalid credit code)"
    repeated = "统一社会信用代码重复，首次出现在第 2 行 (credit code repeated, first on line 2)"
    assert as_tuples(result.problems) == [
        ("warning", 1, "备注", None, UNKNOWN_COLUMN),
        ("error", 3, code, "91331124MA2A0001", "统一社会信用代码应为18位，实为16位" + invalid),
        ("error", 4, code, "91331124MA2A0001OQ",
         "统一社会信用代码含非法字符 O（不可用 I、O、S、V、Z）" + invalid),
        ("error", 5, code, "91331124MA2A00011Q", "统一社会信用代码校验位错误（应为 U）" + invalid),
        ("error", 6, code, None, "统一社会信用代码为空" + invalid),
        ("error", 7, "实缴税收(万元)", "abc", NOT_A_NUMBER),
        ("error", 7, "营业收入(万元)", "1.2.3", NOT_A_NUMBER),
        ("error", 8, "是否规上", "maybe",
         "不是是/否值，应为 是/否、1/0、true/false 或 Y/N (not a yes/no value)"),
        ("error", 9, "投产日期", "2020-02-30",
         "不是日期，应如 2021-03-05、2021/3/5、2021.3.5 或 20210305 (not a date)"),
        ("error", 10, code, "91331124ma2a00010q", repeated),
        ("warning", 11, "自有用地面积(平方米)", "-5000", NEGATIVE),
        ("warning", 11, "营业收入(万元)", "-100", NEGATIVE),
        ("error", 12, "实缴税收(万元)", "inf", NOT_A_NUMBER),
        ("error", 12, "营业收入(万元)", "nan", NOT_A_NUMBER),
        ("error", 13, code, A, repeated),
    ]
    # the first of the repeated rows and the negative row are kept, values as written
    assert result.lines == [2, 11]
    kept = result.table.select(["uscc", "tax_paid", "revenue", "land_owned_m2"]).to_pylist()
    assert kept == [
        {"uscc": A, "tax_paid": 10.0, "revenue": 100.0, "land_owned_m2": 5000.0},
        {"uscc": E, "tax_paid": -10.0, "revenue": -100.0, "land_owned_m2": -5000.0},
    ]
    assert result.ok  # row errors leave rows out; the run goes on


def test_strict_marks_the_result_failed_but_reports_everything() -> None:
    lenient = read_enterprises(golden("bad_cells.csv"))
    strict = read_enterprises(golden("bad_cells.csv"), strict=True)
    assert not strict.ok
    assert strict.problems == lenient.problems
    assert read_enterprises(golden("chinese_headers.csv"), strict=True).ok


def test_problem_text_names_file_line_column_and_value() -> None:
    path = golden("bad_cells.csv")
    result = read_enterprises(path)
    assert str(result.problems[5]) == (
        f'{path} line 7, column 实缴税收(万元) = "abc": 不是数字 (not a number)'
    )
    assert str(result.problems[0]) == f"{path} line 1, column 备注: {UNKNOWN_COLUMN}"


def test_xlsx_title_row_date_cells_and_numeric_cells() -> None:
    result = read_enterprises(golden("title_row.xlsx"))
    assert as_tuples(result.problems) == [("error", 7, "实缴税收(万元)", "abc", NOT_A_NUMBER)]
    assert result.lines == [4, 6]
    assert result.table.to_pylist() == [
        row(uscc=A, name="甲", above_scale=True, production_start=dt.date(2015, 3, 5),
            tax_paid=123.0, land_owned_m2=6666.5, industry_code="06", high_tech=True),
        row(uscc=B, name="乙", production_start=dt.date(2019, 12, 31), tax_paid=1234.5678,
            land_owned_m2=20000.0, industry_code="33"),
    ]


def test_typed_parquet() -> None:
    result = read_enterprises(golden("typed.parquet"))
    assert result.problems == []
    assert result.lines == [2, 3]
    assert result.table.to_pylist() == [
        row(uscc=A, tax_paid=123.0, production_start=dt.date(2015, 3, 5), above_scale=True,
            land_owned_m2=6000.0, revenue=0.1),
        row(uscc=B, land_owned_m2=250.0, revenue=2.5e9),
    ]


def test_a_column_given_twice_is_an_error_and_the_first_is_used() -> None:
    result = read_enterprises(golden("duplicate_column.csv"))
    assert as_tuples(result.problems) == [
        ("error", 1, "统一社会信用代码", None,
         "与列 uscc 重复，使用第一列 (column given twice, the first is used)"),
    ]
    assert result.table.column("uscc").to_pylist() == [A]


def test_quoted_newlines_and_blank_lines_keep_true_line_numbers() -> None:
    result = read_enterprises(golden("quoted_newline.csv"))
    assert as_tuples(result.problems) == [("error", 6, "tax_paid", "abc", NOT_A_NUMBER)]
    assert result.lines == [2]
    assert result.table.column("name").to_pylist() == ["多行\n名称"]


def test_header_only_file_is_an_empty_table_with_a_warning() -> None:
    result = read_enterprises(golden("header_only.csv"))
    assert result.table.num_rows == 0
    assert result.table.schema == ENTERPRISE_SCHEMA
    assert as_tuples(result.problems) == [
        ("warning", None, None, None, "没有数据行 (no data rows)"),
    ]


@pytest.mark.parametrize(("name", "reason"), [
    ("empty.csv", "文件为空 (empty file)"),
    ("not_a_table.csv", "不是表格文件，应为 CSV、XLSX 或 Parquet (not a table: CSV, XLSX or "
                        "Parquet expected)"),
    ("no_header.csv", "找不到表头：前几行都没有认识的列名 (no recognisable header row in the "
                      "first rows)"),
    ("no_uscc.csv", "缺少必需的列 统一社会信用代码 (required column uscc missing)"),
    ("fake.xlsx", "不是有效的 .xlsx 文件 (not a valid .xlsx file)"),
    ("does_not_exist.csv", "文件不存在 (file not found)"),
])
def test_unusable_files_raise_one_input_error(name: str, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        read_enterprises(golden(name))
    assert caught.value.problem.reason == reason
    assert caught.value.problem.file == str(golden(name))
    assert str(caught.value).startswith(str(golden(name)))


def test_a_folder_is_not_a_file() -> None:
    with pytest.raises(InputError, match="not a file"):
        read_enterprises(golden(""))


def test_input_hash_is_the_sha256_of_the_file_bytes() -> None:
    import hashlib

    path = golden("gbk.csv")
    assert read_enterprises(path).input_hash == hashlib.sha256(path.read_bytes()).hexdigest()


def test_table_types_follow_the_contract() -> None:
    table = read_enterprises(golden("chinese_headers.csv")).table
    assert table.column_names == [f.key for f in FIELDS]
    for f in FIELDS:
        if f.type == "bool" or f.empty_is_zero:
            assert table.column(f.key).null_count == 0, f.key
    assert table.schema.field("production_start").type == pa.date32()


def test_each_repeated_code_names_its_own_first_line(tmp_path: Path) -> None:
    """Two codes repeated: each repeat names the first line of its own code."""
    path = tmp_path / "e.csv"
    path.write_text(f"uscc,name\n{A},a\n{A},b\n{B},c\n{B},d\n", encoding="utf-8")
    found = [(p.line, p.value, p.reason) for p in read_enterprises(path).problems]
    assert found == [
        (3, A, "统一社会信用代码重复，首次出现在第 2 行 (credit code repeated, first on line 2)"),
        (5, B, "统一社会信用代码重复，首次出现在第 4 行 (credit code repeated, first on line 4)"),
    ]
