"""The drafting commands as a user runs them: compose, consolidate, format-check, template-check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from tests import school_factory as F
from tests.docx_factory import docx_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEED_WORD = ROOT.parent / "shared" / "corpus" / "kh_pgddt_dienbienphu_2022_thidua_word.docx"


def _vanthu(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "service.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)




def test_compose_digest_and_decision_from_the_seed(tmp_path: Path) -> None:
    form = tmp_path / "form.json"
    form.write_text(json.dumps({"unit": "Trường THCS Him Lam", "authority": "TRƯỞNG PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
                                "signer_title": "Trưởng phòng", "executors": "Tổ Văn phòng"}, ensure_ascii=False),
                    encoding="utf-8")
    digest = tmp_path / "phieu.docx"
    out = _vanthu("compose", "phieu_tom_tat", str(SEED_WORD), "-o", str(digest), "--form", str(form))
    assert out.returncode == 0, out.stderr
    assert "Thực hiện công tác thi đua, khen thưởng năm 2022" in docx_text(digest.read_bytes())
    decision = tmp_path / "qd.docx"
    out = _vanthu("compose", "quyet_dinh", str(SEED_WORD), "-o", str(decision), "--form", str(form),
                  "--print-context")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["symbol"] == "QĐ-PGDĐT"
    assert "Ban hành kèm theo Quyết định này Kế hoạch thực hiện công tác thi đua" in docx_text(decision.read_bytes())
    # what the document cannot tell is reported by name when the form leaves it out
    out = _vanthu("compose", "quyet_dinh", str(SEED_WORD), "-o", str(tmp_path / "x.docx"))
    assert out.returncode == 2 and "authority" in out.stderr and not (tmp_path / "x.docx").exists()


def test_format_check_exit_codes(tmp_path: Path) -> None:
    good = tmp_path / "qd.docx"
    assert _vanthu("render", "quyet_dinh", str(ROOT / "templates" / "quyet_dinh.example.json"),
                   "-o", str(good)).returncode == 0
    out = _vanthu("format-check", str(good))
    assert out.returncode == 0, out.stdout + out.stderr
    document = docx.Document(str(good))
    section = document.sections[0]
    section.left_margin = section.right_margin  # 15 mm: too narrow for binding
    bad = tmp_path / "bad.docx"
    document.save(str(bad))
    out = _vanthu("format-check", "--json", str(bad))
    assert out.returncode == 1
    assert any(f["code"] == "margin" for f in json.loads(out.stdout)["findings"])
    out = _vanthu("format-check", str(SAMPLES / "cong_van_bao_cao_so_lieu.txt"))
    assert out.returncode == 2 and "Lỗi / Error" in out.stderr


def test_template_check_accepts_ours_and_refuses_a_broken_one(tmp_path: Path) -> None:
    ours = ROOT / "templates" / "ke_hoach.docx"
    assert _vanthu("template-check", str(ours), "--template", "ke_hoach").returncode == 0
    document = docx.Document(str(ours))
    document.add_paragraph("{{ subjetc }} {% for t in tasks %}")
    broken = tmp_path / "broken.docx"
    document.save(str(broken))
    out = _vanthu("template-check", "--json", str(broken), "--template", "ke_hoach")
    assert out.returncode == 1
    codes = {p["code"] for p in json.loads(out.stdout)["problems"]}
    assert "syntax_error" in codes or "unknown_variable" in codes
    assert _vanthu("template-check", str(ours), "--template", "../etc").returncode == 2


@pytest.mark.slow
def test_consolidate_two_word_submissions(tmp_path: Path) -> None:
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    a.write_bytes(F.school_a())
    b.write_bytes(F.school_b())
    form = tmp_path / "form.json"
    form.write_text(json.dumps({"issuer": "Phòng Giáo dục và Đào tạo", "place": "Mường Ảng",
                                "decision_symbol": "QĐ-PGDĐT", "report_symbol": "BC-PGDĐT",
                                "decision_subject": "Về việc công nhận danh hiệu thi đua",
                                "report_subject": "Tổng hợp đề nghị khen thưởng",
                                "authority": "TRƯỞNG PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "signer_title": "Trưởng phòng",
                                "recipients": "Lưu: VT.", "report_closing": "Trên đây là kết quả tổng hợp"},
                               ensure_ascii=False), encoding="utf-8")
    out = _vanthu("consolidate", str(a), str(b), "-o", str(tmp_path / "out"), "--form", str(form))
    assert out.returncode == 0, out.stderr
    rows = json.loads((tmp_path / "out" / "rows.json").read_text(encoding="utf-8"))["rows"]
    assert len(rows) == len(F.SCHOOL_A.rows) + len(F.SCHOOL_B.rows)
    assert "Trùng người" in out.stdout
    for name in ("quyet_dinh", "bao_cao_tong_hop"):
        assert (tmp_path / "out" / f"{name}.docx").exists(), out.stderr


def test_draft_next_year_with_its_change_list(tmp_path: Path) -> None:
    env_home = tmp_path / "home"
    out = subprocess.run([sys.executable, "-m", "service.cli", "draft", str(SEED_WORD), "--year", "2023",
                          "-o", str(tmp_path / "kh_2023.docx"), "--changes", str(tmp_path / "changes.json")],
                         cwd=ROOT, capture_output=True, text=True, timeout=900,
                         env={**os.environ, "VANTHU_HOME": str(env_home), "DATABASE_URL": ""})
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Kế hoạch năm 2023 từ kế hoạch năm 2022")
    changes = json.loads((tmp_path / "changes.json").read_text(encoding="utf-8"))
    assert changes["path"] == "tracked" and changes["counts"]["placeholder"] == 3
    assert "41 năm" in out.stdout  # the anniversary that is not a round one, for a human
    from worker.tracked import accept_all

    assert "năm 2023" in docx_text(accept_all((tmp_path / "kh_2023.docx").read_bytes()))
