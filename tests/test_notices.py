"""Importing notices: the sample becomes exactly its 14 tasks, from text, .docx and PDF, through the CLI
and in chat; bad files get a clear answer; the same notice twice creates nothing new."""

import datetime as dt
import json
import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from dondoc.bot.cli import main
from dondoc.handlers.messages import Attachment
from dondoc.store.models import Agency, AgencyRole, Notice, Task, TaskAgency
from dondoc.text import fold

# A copy of ../shared/samples/thong-bao-ket-luan-nq57-quang-ngai.txt, so the suite runs from any clone.
SAMPLE = Path(__file__).resolve().parent / "fixtures" / "sample-nq57-quang-ngai.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notices"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

# The issue's list: ref -> (leads, cooperating agencies, generic cooperating phrases, deadline, recurrence)
SAMPLE_TASKS = {
    "II.1.a": (["SKHCN"], ["VPUB"], ["các đơn vị có liên quan"], None, "ongoing"),
    "II.1.b": (["SKHCN"], [], [], None, "ongoing"),
    "II.1.c": (["SKHCN"], [], [], None, "ongoing"),
    "II.1.d": (["SKHCN"], [], [], "2026-03-31", None),
    "II.1.đ": (["SKHCN"], [], [], "2026-03-31", None),
    "II.1.e": (["SKHCN"], [], [], None, "ongoing"),
    "II.1.g": (["SKHCN"], [], [], "2026-03-31", None),
    "II.1.h": (["SKHCN"], [], [], None, "ongoing"),
    "II.1.i": (["SKHCN"], ["SNV", "STP", "STC"], [], "2026-03-31", None),
    "II.2.a": (["STC"], ["SKHCN"], ["các cơ quan liên quan"], None, "ongoing"),
    "II.2.b": (["STC"], ["SKHCN"], ["các cơ quan liên quan"], None, "ongoing"),
    "II.3": (["CAT"], [], ["các cơ quan, đơn vị, địa phương liên quan"], None, "ongoing"),
    "II.4.a": (["*"], [], [], None, "ongoing"),
    "II.4.b": (["*"], ["SKHCN"], [], None, "ongoing"),
}


def codes(mentions):
    """Directory codes of the agencies found ("*" for every agency); unknown names are listed apart."""
    return [m["agency"]["code"] for m in mentions if m["agency"]]


def parse_json(app, capsys, path: Path) -> dict:
    capsys.readouterr()
    assert main(["notice", "parse", str(path), "--json"], app=app) == 0
    return json.loads(capsys.readouterr().out)


def summary(parsed: dict) -> dict:
    return {
        t["ref"]: (codes(t["leads"]), codes(t["coops"]), t["coop_text"], t["deadline"], t["recurrence"])
        for t in parsed["tasks"]
    }


@pytest.fixture
def sample(tmp_path) -> Path:
    path = tmp_path / "thong-bao.txt"
    path.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_the_sample_becomes_exactly_its_fourteen_tasks(app, capsys, sample):
    parsed = parse_json(app, capsys, sample)
    assert [t["ref"] for t in parsed["tasks"]] == list(SAMPLE_TASKS)
    assert summary(parsed) == SAMPLE_TASKS
    assert parsed["notice"]["meeting_on"] == "2026-01-22"
    assert parsed["notice"]["chaired_by"] == "Phó Chủ tịch UBND tỉnh Trần Phước Hiền"
    assert parsed["notice"]["signer"] == "Phùng Tô Long"
    first = parsed["tasks"][0]
    assert first["leads"][0]["as_written"] == "Sở Khoa học và Công nghệ"
    assert "Đồng thời, tham mưu UBND tỉnh" in first["text"]  # the paragraph after a) belongs to it
    assert "đổi mới sáng tạo phục vụ phát triển sản xuất" in first["text"]  # joined across the break
    assert parsed["tasks"][3]["deadline_text"] == "trong Quý I/2026"
    assert parsed["unknown_agencies"] == []


def test_any_unicode_normalisation_reads_the_same(app, capsys, sample, tmp_path):
    nfd = tmp_path / "nfd.txt"
    nfd.write_text(unicodedata.normalize("NFD", sample.read_text(encoding="utf-8")), encoding="utf-8")
    bom = tmp_path / "bom.txt"
    bom.write_bytes(sample.read_text(encoding="utf-8").encode("utf-16"))
    assert summary(parse_json(app, capsys, nfd)) == SAMPLE_TASKS
    assert summary(parse_json(app, capsys, bom)) == SAMPLE_TASKS


def test_a_word_file_reads_the_same(app, capsys, sample, tmp_path):
    import docx

    document = docx.Document()
    for line in sample.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    path = tmp_path / "thong-bao.docx"
    document.save(path)
    assert summary(parse_json(app, capsys, path)) == SAMPLE_TASKS


def test_a_word_file_with_a_task_table_mid_notice_keeps_its_rows(app, capsys, tmp_path):
    """Word keeps tables apart from paragraphs: the table must be read where it stands, before "Nơi
    nhận", with a cell of two paragraphs read as one cell."""
    import docx

    document = docx.Document()
    for line in [
        "UBND TỈNH QUẢNG NGÃI",
        "Số: 12/KH-UBND",
        "Quảng Ngãi, ngày 05 tháng 3 năm 2027",
        "KẾ HOẠCH",
        "Chuyển đổi số năm 2027",
        "I. NHIỆM VỤ",
    ]:
        document.add_paragraph(line)
    table = document.add_table(rows=3, cols=5)
    rows = [
        ["TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"],
        [
            "1",
            "Xây dựng kho dữ liệu dùng chung của tỉnh",
            "Sở Khoa học và Công nghệ",
            "Sở Tài chính",
            "Quý III/2027",
        ],
        [
            "2",
            "Số hóa hồ sơ đất đai cấp xã",
            "Sở Nông nghiệp và Môi trường",
            "UBND các xã, phường",
            "Tháng 9/2027",
        ],
    ]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    table.rows[1].cells[1].add_paragraph("và kết nối với Cổng dữ liệu quốc gia")
    for line in [
        "II. TỔ CHỨC THỰC HIỆN",
        "1. Sở Y tế: triển khai bệnh án điện tử trong năm 2027.",
        "Nơi nhận:",
        "- Như trên;",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Nguyễn Văn A",
    ]:
        document.add_paragraph(line)
    path = tmp_path / "ke-hoach.docx"
    document.save(path)
    tasks = parse_json(app, capsys, path)["tasks"]
    assert [(codes(t["leads"]), codes(t["coops"]), t["deadline"]) for t in tasks] == [
        (["SKHCN"], ["STC"], "2027-09-30"),
        (["SNNMT"], ["*"], "2027-09-30"),
        (["SYT"], [], "2027-12-31"),
    ]
    assert tasks[0]["text"].endswith("kết nối với Cổng dữ liệu quốc gia")


def make_pdf(lines: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", fname=str(DEJAVU))
    pdf.set_font("DejaVu", size=9)
    for line in lines:
        pdf.multi_cell(0, 5, line or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_a_pdf_with_text_reads_the_same(app, capsys, sample, tmp_path):
    assert DEJAVU.exists(), "the DejaVu font ships with the machine image"
    path = tmp_path / "thong-bao.pdf"
    path.write_bytes(make_pdf(sample.read_text(encoding="utf-8").splitlines()))
    assert summary(parse_json(app, capsys, path)) == SAMPLE_TASKS


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("empty.txt", b"   \n", "trống"),
        ("binary.txt", bytes(range(256)) * 10, "đọc được"),
        ("scan.pdf", None, "quét"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "hỏng"),
        ("broken.pdf", b"%PDF-1.7\n garbage", "hỏng"),
        ("huge.txt", b"a" * (10 * 1024 * 1024 + 1), "10 MB"),
    ],
)
def test_bad_files_get_a_clear_answer(app, capsys, tmp_path, name, content, words):
    if content is None:
        from fpdf import FPDF

        pdf = FPDF()
        pdf.add_page()
        pdf.rect(10, 10, 100, 100, style="F")  # a page with a picture and no text layer
        content = bytes(pdf.output())
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["notice", "parse", str(path)], app=app) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_import_creates_the_tasks_once_and_tells_the_leads(app, capsys, chat, sample):
    chat.join("gd-khcn", "KHCN", "head")
    chat.join("cv-ca", "CA tỉnh", "staff")
    assert main(["notice", "import", str(sample), "--yes"], app=app) == 0
    assert main(["notice", "import", str(sample), "--yes"], app=app) == 0
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Notice)) == 1
        tasks = session.scalars(select(Task).order_by(Task.id)).all()
        assert [t.ref for t in tasks] == list(SAMPLE_TASKS)
        # II.4's "các sở, ban, ngành, địa phương": the departments, boards and commune-level units, never
        # the issuing office, the Party's or the assembly's
        collective = tasks[12]
        expected = set(
            session.scalars(
                select(Agency.code).where(
                    Agency.active.is_(True),
                    Agency.kind.in_(
                        ["department", "board", "inspectorate", "commune", "ward", "special_zone"]
                    ),
                )
            )
        )
        leads = set(
            session.scalars(
                select(Agency.code)
                .join(TaskAgency, TaskAgency.agency_id == Agency.id)
                .where(TaskAgency.task_id == collective.id, TaskAgency.role == AgencyRole.LEAD)
            )
        )
        assert leads == expected and len(leads) >= 30 and not {"VPUB", "VPTU", "VPDBQHHDND", "CAT"} & leads
        assert tasks[3].deadline.isoformat() == "2026-03-31" and tasks[3].deadline_text == "trong Quý I/2026"
        assert tasks[0].coop_text == "các đơn vị có liên quan"
    khcn_inbox = chat.inbox("gd-khcn")
    assert len(khcn_inbox) == 1 and "II" not in khcn_inbox[0].split("\n")[0]
    assert (
        khcn_inbox[0].count("\n#") == 13
    )  # 11 led by KH&CN, 2 where it cooperates... and the collective ones
    assert len(chat.inbox("cv-ca")) == 1
    listing = chat.say("gd-khcn", "/nhiemvu")
    assert "Thứ Ba, 31/3/2026" in listing


def test_import_asks_before_writing(app, capsys, sample, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert main(["notice", "import", str(sample)], app=app) == 1
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 0


def test_chat_import_with_confirmation(app, chat, sample):
    text = sample.read_text(encoding="utf-8")
    preview = chat.send("vanphong", "/nhap " + text)[0]
    assert "II.1.đ" in preview.text and "Thứ Ba, 31/3/2026" in preview.text and len(preview.choices) == 2
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 0
    done = chat.say("vanphong", "1")
    assert "#1" in done and "#14" in done
    again = chat.say("vanphong", "/nhap " + text)
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 14
    assert "#1" in again or "1" in again


def test_chat_import_of_an_attached_file(app, chat, sample):
    asked = chat.say("vanphong", "/nhap")
    assert ".docx" in asked
    preview = chat.send("vanphong", "", attachments=(Attachment("tb.txt", sample.read_bytes()),))[0]
    assert len(preview.choices) == 2
    chat.say("vanphong", "2")
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 0


def test_unknown_agencies_are_shown_for_mapping_never_guessed(app, chat):
    text = (
        "THÔNG BÁO\nKết luận về chuyển đổi số\nII. NHIỆM VỤ\n1. Giao Sở Chuyển đổi số: xây dựng kho dữ liệu "
        "dùng chung; hoàn thành trước ngày 30/6/2026.\n"
        "2. Sở Y tế: triển khai bệnh án điện tử trong năm 2026.\n"
    )
    reply = chat.say("vanphong", "/nhap " + text)
    assert "“Sở Chuyển đổi số”" in reply and "/bidanh" in reply
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 0
    chat.say("vanphong", "/bidanh Sở Chuyển đổi số = KHCN")
    preview = chat.send("vanphong", "/nhap " + text)[0]
    assert "Sở Khoa học và Công nghệ" in preview.text and len(preview.choices) == 2
    chat.say("vanphong", "1")
    with app.sessions() as session:
        deadlines = [t.deadline.isoformat() for t in session.scalars(select(Task).order_by(Task.id))]
    assert deadlines == ["2026-06-30", "2026-12-31"]


FIXTURE_FILES = sorted(FIXTURES.glob("*.txt"))


def named(mention: dict) -> str:
    """A mention as the fixtures write it: its directory code, "*" and the phrase for a collective, or the
    agency's full name when the directory does not have it."""
    if mention.get("collective"):
        return "*" + mention["as_written"]
    if mention["agency"]:
        return mention["agency"]["code"]
    return mention["name"]


def same_agencies(got: list[dict], want: list[str]) -> bool:
    names = [named(m) for m in got]
    if len(names) != len(want):
        return False
    for have, expected in zip(names, want, strict=True):
        if expected.startswith("*"):
            if not (have.startswith("*") and fold(expected[1:]) in fold(have[1:])):
                return False
        elif fold(have) != fold(expected):
            return False
    return True


def fixture_mismatches(parsed: dict, expected: dict) -> list[str]:
    """What differs between the importer's reading and the fixture's expected tasks, one line each."""
    problems: list[str] = []
    for name, value in expected.get("notice", {}).items():
        if parsed["notice"].get(name) != value:
            problems.append(f"notice {name}: {parsed['notice'].get(name)!r} != {value!r}")
    got, want = parsed["tasks"], expected["tasks"]
    if "ref" in (want[0] if want else {}):
        if [t["ref"] for t in got] != [w["ref"] for w in want]:
            return [*problems, f"refs {[t['ref'] for t in got]} != {[w['ref'] for w in want]}"]
        pairs = list(zip(got, want, strict=True))
    else:
        pairs = []
        cursor = 0
        for w in want:
            phrase = fold(w["has"])
            index = next((i for i in range(cursor, len(got)) if phrase in fold(got[i]["text"])), None)
            if index is None:
                problems.append(f"missing task: {w['has']}")
                continue
            problems += [f"extra task {got[i]['ref']}: {got[i]['text'][:70]}" for i in range(cursor, index)]
            pairs.append((got[index], w))
            cursor = index + 1
        problems += [f"extra task {g['ref']}: {g['text'][:70]}" for g in got[cursor:]]
    for g, w in pairs:
        where = w.get("ref") or w["has"][:40]
        if "ref" in w:
            for key_name in ("leads", "coops"):
                if [m["agency"]["code"] for m in g[key_name] if m["agency"]] != w[key_name]:
                    problems.append(f"{where}: {key_name} {[named(m) for m in g[key_name]]} != {w[key_name]}")
            if (
                "unknown" in w
                and [m["as_written"] for m in g["leads"] + g["coops"] if m["agency"] is None] != w["unknown"]
            ):
                problems.append(f"{where}: unknown {[named(m) for m in g['leads'] + g['coops']]}")
            if "coop_text" in w and g["coop_text"] != w["coop_text"]:
                problems.append(f"{where}: coop_text {g['coop_text']} != {w['coop_text']}")
        else:
            for key_name in ("leads", "coops"):
                if key_name in w and not same_agencies(g[key_name], w[key_name]):
                    problems.append(f"{where}: {key_name} {[named(m) for m in g[key_name]]} != {w[key_name]}")
        for key_name in ("deadline", "recurrence"):
            if key_name in w and g[key_name] != w[key_name] and not _both_undated(g, w, key_name):
                problems.append(f"{where}: {key_name} {g[key_name]!r} != {w[key_name]!r}")
    return problems


def _both_undated(got: dict, want: dict, key_name: str) -> bool:
    """No date either way: "ongoing" and no recurrence both read "no fixed deadline" to the office."""
    return (
        key_name == "recurrence"
        and got["deadline"] is None
        and want.get("deadline") is None
        and {
            got["recurrence"],
            want["recurrence"],
        }
        <= {None, "ongoing"}
    )


# 01-37 read exactly: 01-10 were written with the parser, 11-37 blind for issue 13 and then read right
# one miss at a time. 38 on were written blind later still (38-57, then 58-67), to measure the reading on
# notices it was not tuned to; they are held to floors (see the test below), with their first-run
# figures in the README.
EXACT_FIXTURES = [p for p in FIXTURE_FILES if p.name < "38"]
BLIND_FIXTURES = [p for p in FIXTURE_FILES if p.name >= "38"]


@pytest.mark.parametrize("path", EXACT_FIXTURES, ids=[p.stem for p in EXACT_FIXTURES])
def test_fixture_notices(app, capsys, path):
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    problems = fixture_mismatches(parse_json(app, capsys, path), expected)
    assert not problems, "\n".join(problems)


def test_the_blind_fixtures_read_as_well_as_measured(app, capsys):
    """The notices written blind after the parser was tuned (38 on: central, provincial, commune and ward
    notices, tables, activity blocks, annexes, OCR noise, NFD) through the CLI: task F1 and the accuracy
    of leads, cooperating agencies and deadlines over the tasks found. The floors sit just under today's
    figures, so a change that reads worse fails; the misses are printed."""
    expected_tasks = found = extra = 0
    wrong = {"leads": 0, "coops": 0, "deadline": 0}
    misses: list[str] = []
    for path in BLIND_FIXTURES:
        expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
        expected_tasks += len(expected["tasks"])
        problems = fixture_mismatches(parse_json(app, capsys, path), expected)
        missing = sum(p.startswith("missing") for p in problems)
        found += len(expected["tasks"]) - missing
        extra += sum(p.startswith("extra") for p in problems)
        for name in wrong:
            wrong[name] += sum(f": {name} " in p for p in problems if not p.startswith(("missing", "extra")))
        misses += [f"{path.stem}: {p}" for p in problems]
    precision, recall = found / (found + extra), found / expected_tasks
    f1 = 2 * precision * recall / (precision + recall)
    accuracy = {name: (found - count) / found for name, count in wrong.items()}
    print("\n".join(misses))
    print(f"F1 {f1:.3f}", accuracy)
    assert len(BLIND_FIXTURES) >= 30 and expected_tasks >= 340
    assert f1 >= 0.97, f1
    assert accuracy["leads"] >= 0.95 and accuracy["coops"] >= 0.96 and accuracy["deadline"] >= 0.96, accuracy


def test_there_are_at_least_thirty_five_fixture_notices():
    assert len(FIXTURE_FILES) >= 35


NOTICE_PIECES = [
    "1. Giao Sở Y tế chủ trì, phối hợp với Sở Tài chính",
    "a) ",
    "– ",
    "| 2 | Cập nhật dữ liệu | Sở Tài chính | các xã | Quý III/2027 |",
    "TT\nNội dung\nCơ quan chủ trì\nThời gian\n1\n",
    "Nơi nhận:",
    "KẾ HOẠCH",
    "Kính gửi: UBND các tỉnh",
    "Bộ Văn hóa, Thể thao và Du lịch, Vụ Pháp chế xây dựng",
    "trong 03 tháng kể từ ngày Luật có hiệu lực",
    "Quý V/99999",
    "ngày 99/99/9999",
    "UBND xã",
    "Sở",
    "(((",
    "\ud800",
    "I. ",
    "1.1.1.1.1.",
]


@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.one_of(st.sampled_from(NOTICE_PIECES), st.text(max_size=40)), max_size=30))
def test_any_text_reads_without_an_error(app, pieces):
    """Fragments of every layout, odd Unicode, nonsense numbers, in any order: a reading, never an error."""
    from dondoc.notices.mentions import Directory
    from dondoc.notices.parse import parse_notice
    from dondoc.text import nfc

    text = nfc("\n".join(pieces).encode("utf-8", "replace").decode("utf-8"))
    with app.sessions() as session:
        parsed = parse_notice(text, Directory.load(session), dt.date(2027, 1, 5))
    for task in parsed.tasks:
        assert task.text.strip()


def test_what_was_done_is_no_task_but_a_job_that_folds_alike_is(app, capsys, tmp_path):
    """ "đã triển khai" reports work done; "đa dạng hóa" (the same letters without diacritics) is a job."""
    notice = tmp_path / "tb.txt"
    notice.write_text(
        "THÔNG BÁO\nKết luận về xúc tiến thương mại\nII. NHIỆM VỤ\n"
        "1. Sở Tài chính đã triển khai kế hoạch vốn năm 2026 đúng tiến độ.\n"
        "2. Sở Công Thương đa dạng hóa các hình thức xúc tiến thương mại; hoàn thành trong Quý III/2026.\n",
        encoding="utf-8",
    )
    tasks = parse_json(app, capsys, notice)["tasks"]
    assert [(t["ref"], codes(t["leads"]), t["deadline"]) for t in tasks] == [("II.2", ["SCT"], "2026-09-30")]


def test_working_days_are_counted_in_the_office_calendar(app, capsys, tmp_path):
    """Working days ("trong 05 ngày làm việc kể từ ngày ký") skip the office's extra days off too."""
    notice = tmp_path / "tb.txt"
    notice.write_text(
        "UBND TỈNH QUẢNG NGÃI\nSố: 12/TB-UBND\nQuảng Ngãi, ngày 01 tháng 3 năm 2027\nTHÔNG BÁO\n"
        "Kết luận về giải ngân\nII. NHIỆM VỤ\n"
        "1. Sở Tài chính tổng hợp danh mục dự án chậm giải ngân, báo cáo UBND tỉnh trong 05 ngày làm việc "
        "kể từ ngày ký.\n",
        encoding="utf-8",
    )
    before = parse_json(app, capsys, notice)["tasks"][0]["deadline"]
    assert main(["calendar", "add-off", "2027-03-03"], app=app) == 0
    after = parse_json(app, capsys, notice)["tasks"][0]["deadline"]
    assert (before, after) == ("2027-03-08", "2027-03-09")
