"""The province's whole directory and what a notice's collective phrases mean in it (issue 14, points 1, 2
and 5 for imports): the shipped full directory loads, `dondoc agencies kinds` shows the one table of group
words, the sample's "các sở, ban, ngành, địa phương" becomes exactly the departments, boards and
commune-level units, a phrase with no meaning in the directory is left for the office, and the office is
told at which agencies nobody can be reached."""

import json
from pathlib import Path

from sqlalchemy import func, select

from dondoc.bot.cli import main
from dondoc.notices.collectives import kinds_of
from dondoc.store.models import Agency, AgencyRole, Task, TaskAgency

SAMPLE = Path(__file__).resolve().parent / "fixtures" / "sample-nq57-quang-ngai.txt"


def test_the_shipped_directory_has_every_commune_level_unit_and_body(app, capsys):
    """The first start loads the whole province (dondoc/data/agencies.csv)."""
    with app.sessions() as session:
        kinds = dict(session.execute(select(Agency.kind, func.count()).group_by(Agency.kind)).all())
        codes = set(session.scalars(select(Agency.code)))
    assert kinds["commune"] + kinds["ward"] + kinds["special_zone"] == 96
    assert kinds["department"] >= 12 and kinds["mass"] >= 5 and kinds["party"] >= 1
    # the codes the tests and the first directory used are kept for the same agencies
    assert {"SKHCN", "STC", "CAT", "VPUB", "XA_TINHKHE", "PHUONG_CAMTHANH", "DK_LYSON"} <= codes
    assert main(["agencies", "kinds"], app=app) == 0
    table = capsys.readouterr().out
    assert "commune" in table and "“các sở, ban, ngành”" in table and "“UBND các xã”" in table


def test_a_province_loads_its_own_directory_file(app, capsys, tmp_path):
    own = tmp_path / "don-vi.csv"
    own.write_text(
        "# our own list, checked 1/12/2026\ncode,name,kind,aliases\n"
        "XA_MOI,Xã Hòa Bình,commune,UBND xã Hòa Bình|xã Hòa Bình\nHCCB,Hội Cựu chiến binh tỉnh,mass,\n",
        encoding="utf-8",
    )
    assert main(["agencies", "import", str(own)], app=app) == 0
    assert main(["agencies", "import", str(tmp_path / "missing.csv")], app=app) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,kind,aliases\nX,Tên,province,\n", encoding="utf-8")
    assert main(["agencies", "import", str(bad)], app=app) == 2
    assert "kind must be one of" in capsys.readouterr().err
    with app.sessions() as session:
        kinds = dict(
            session.execute(select(Agency.code, Agency.kind).where(Agency.code.in_(["XA_MOI", "HCCB"]))).all()
        )
    assert kinds == {"XA_MOI": "commune", "HCCB": "mass"}


def test_group_words_name_kinds_and_never_the_offices():
    assert kinds_of("các sở, ban, ngành") == ("department", "board", "inspectorate")
    assert kinds_of("UBND các xã, phường, đặc khu") == ("commune", "ward", "special_zone")
    assert set(kinds_of("Người đứng đầu các sở, ban, ngành, địa phương") or ()) == {
        "department", "board", "inspectorate", "commune", "ward", "special_zone"
    }  # fmt: skip
    assert kinds_of("UBND cac xa") == ("commune",)  # without diacritics too
    for outside_or_vague in (
        "các cơ quan, đơn vị",
        "các Bộ, cơ quan trung ương",
        "UBND các tỉnh, thành phố trực thuộc trung ương",
        "Các sở quản lý chuyên ngành về giao thông",
    ):
        assert kinds_of(outside_or_vague) is None, outside_or_vague


def test_the_sample_collective_tasks_go_to_departments_boards_and_communes_only(app, capsys, chat, tmp_path):
    chat.join("gd-khcn", "KHCN", "head")
    sample = tmp_path / "tb.txt"
    sample.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")

    preview = chat.send("vanphong", "/nhap " + sample.read_text(encoding="utf-8"))[0].text
    with app.sessions() as session:
        expected = set(
            session.scalars(
                select(Agency.id).where(
                    Agency.kind.in_(
                        ["department", "board", "inspectorate", "commune", "ward", "special_zone"]
                    )
                )
            )
        )
    # the preview says what the phrase expands to, with its count, before anything is imported
    assert f"({len(expected)} " in preview and len(expected) >= 108
    reply = chat.say("vanphong", "1")
    assert "✅" in reply
    with app.sessions() as session:
        task = session.scalars(select(Task).where(Task.ref == "II.4.a")).one()
        leads = set(
            session.scalars(
                select(TaskAgency.agency_id).where(
                    TaskAgency.task_id == task.id, TaskAgency.role == AgencyRole.LEAD
                )
            )
        )
        offices = set(session.scalars(select(Agency.id).where(Agency.kind.in_(["office", "party", "mass"]))))
    assert leads == expected and not leads & offices
    # only Sở KH&CN has someone registered: the office is told whom to phone
    assert "⚠️" in reply and "Sở Tài chính" in reply


def test_a_phrase_with_no_meaning_in_the_directory_is_left_for_the_office(app, capsys, tmp_path):
    notice = tmp_path / "cv.txt"
    notice.write_text(
        "THÔNG BÁO\nKết luận về an toàn giao thông\nII. NHIỆM VỤ\n"
        "1. Các cơ quan, đơn vị tăng cường tuyên truyền về an toàn giao thông trong dịp Tết.\n"
        "2. Sở Y tế chuẩn bị phương án cấp cứu trong dịp Tết; hoàn thành trước ngày 20/01/2027.\n",
        encoding="utf-8",
    )
    assert main(["notice", "parse", str(notice), "--json"], app=app) == 0
    parsed = json.loads(capsys.readouterr().out)
    first = parsed["tasks"][0]["leads"][0]
    assert first["collective"] and first["agency"] is None and first["kinds"] == []
    assert main(["notice", "import", str(notice), "--yes"], app=app) == 1  # the office must assign it first
    assert "1" in capsys.readouterr().err
    assert main(["notice", "import", str(notice), "--yes", "--only-assigned"], app=app) == 0
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 1


def test_the_office_is_told_whom_to_phone_in_replies_and_the_daily_digest(app, capsys, chat, clock):
    chat.join("gd-stc", "STC", "head")
    chat.join("pct", "", "leader")
    chat.say("vanphong", "/ngonngu en")
    created = chat.say("vanphong", "/giao SYT | 30/6/2026 | Rà soát đầu tư công | STC")
    assert "Nobody can be reached at 1 agency" in created and "Sở Y tế" in created, created
    edited = chat.say("vanphong", "/sua 1 chutri +SNV")
    assert "Nobody can be reached at 1 agency" in edited and "Sở Nội vụ" in edited, edited
    assert main(["digest", "preview", "daily", "--at", "2026-03-02 16:30", "--language", "en"], app=app) == 0
    digest = capsys.readouterr().out
    line = next(line for line in digest.splitlines() if "nobody can be reached" in line)
    assert "(2;" in line and "Sở Y tế" in line and "Sở Nội vụ" in line and "Sở Tài chính" not in line


def test_names_told_apart_only_by_diacritics_are_never_guessed(app, chat, tmp_path, capsys):
    """Xã Sơn Hà and Xã Sơn Hạ (and Ba Tơ / Ba Tô) fold alike: written with diacritics each is found,
    written without, the answer offers both instead of picking one; a notice naming one is not given to the
    other."""
    assert chat.say("vanphong", "/thanhvien Xã Sơn Hà").startswith("Xã Sơn Hà:")
    assert chat.say("vanphong", "/thanhvien xã sơn hạ").startswith("Xã Sơn Hạ:")
    assert chat.say("vanphong", "/thanhvien Xã Ba Tơ").startswith("Xã Ba Tơ:")
    unsure = chat.say("vanphong", "/thanhvien xa son ha")
    assert "Xã Sơn Hà (XA_SONHAF)" in unsure and "Xã Sơn Hạ (XA_SONHAJ)" in unsure
    chat.say("vanphong", "/giao Xã Sơn Hà | 31/3/2026 | Rà soát hộ nghèo")
    with app.sessions() as session:
        given = session.scalar(select(Agency.code).join(TaskAgency, TaskAgency.agency_id == Agency.id))
    assert given == "XA_SONHAF"
    notice = tmp_path / "tb.txt"
    notice.write_text(
        "THÔNG BÁO\nKết luận của Chủ tịch UBND tỉnh\n"
        "1. Giao UBND xã Sơn Hạ chủ trì, báo cáo trước ngày 30/4/2026.\n",
        encoding="utf-8",
    )
    assert main(["notice", "parse", str(notice)], app=app) == 0
    preview = capsys.readouterr().out
    # left for the office, the right one offered first
    assert "Gõ /bidanh UBND xã Sơn Hạ = XA_SONHAJ hoặc /bidanh UBND xã Sơn Hạ = XA_SONHAF" in preview
    assert main(["notice", "parse", str(notice), "--json"], app=app) == 0
    leads = [lead for task in json.loads(capsys.readouterr().out)["tasks"] for lead in task["leads"]]
    assert [lead["agency"] for lead in leads] == [None]
