"""The command line: console, say, agencies, and a whole first session in real processes."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from dondoc.bot.cli import main
from dondoc.bot.root import Bot
from dondoc.store.agencies import DIRECTORY_CSV, find_agency, read_directory
from dondoc.store.models import Agency
from tests.conftest import INVITE_CODE


def test_directory_knows_every_agency_in_the_sample_and_common_abbreviations(app):
    names = [
        "Sở Khoa học và Công nghệ",
        "Sở Tài chính",
        "Sở Nông nghiệp và Môi trường",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Giáo dục và Đào tạo",
        "Sở Y tế",
        "Sở Xây dựng",
        "Công an tỉnh",
        "Ban Quản lý Khu Kinh tế Dung Quất và các Khu công nghiệp Quảng Ngãi",
        "Văn phòng UBND tỉnh",
        "Sở Nội vụ",
        "Sở Tư pháp",
        "Văn phòng Tỉnh ủy",
    ]
    abbreviations = {
        "Sở KH&CN": "SKHCN",
        "KHCN": "SKHCN",
        "STC": "STC",
        "VPUB": "VPUB",
        "CA tỉnh": "CAT",
        "ca tinh": "CAT",
        "so khoa hoc va cong nghe": "SKHCN",
        "SỞ Y TẾ": "SYT",
    }
    with app.sessions() as session:
        for name in names:
            assert find_agency(session, name) is not None, name
        for alias, code in abbreviations.items():
            assert find_agency(session, alias).code == code, alias


def test_directory_file_is_well_formed():
    rows = read_directory(DIRECTORY_CSV)
    assert len(rows) >= 30
    assert len({r.code for r in rows}) == len(rows)


def test_agencies_list_add_and_import(app, capsys, tmp_path):
    assert (
        main(["agencies", "add", "SDL", "Sở Du lịch", "--kind", "department", "--alias", "SDL tỉnh"], app=app)
        == 0
    )
    csv_file = tmp_path / "more.csv"
    csv_file.write_text(
        "code,name,kind,aliases\nXA_TEST,Xã Thử Nghiệm,commune,UBND xã Thử Nghiệm|Thử Nghiệm\n",
        encoding="utf-8",
    )
    assert main(["agencies", "import", str(csv_file)], app=app) == 0
    capsys.readouterr()
    assert main(["agencies", "list"], app=app) == 0
    listing = capsys.readouterr().out
    assert "Sở Du lịch" in listing and "Xã Thử Nghiệm" in listing
    with app.sessions() as session:
        assert find_agency(session, "ubnd xa thu nghiem").code == "XA_TEST"
        assert find_agency(session, "sdl tinh").code == "SDL"


def test_a_broken_agency_file_gets_a_clear_message(app, capsys, tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\xff\xfe\x00garbage")
    assert main(["agencies", "import", str(broken)], app=app) == 2
    missing = main(["agencies", "import", str(tmp_path / "nope.csv")], app=app)
    err = capsys.readouterr().err
    assert missing == 2 and "Traceback" not in err and "broken.csv" in err
    with app.sessions() as session:
        before = len(session.scalars(select(Agency)).all())
    assert before >= 30


def test_console_prints_replies_numbered_choices_and_queued_messages(app, chat, capsys):
    chat.join("gd-khcn", "KHCN", "head")
    chat.say("vanphong", "/giao KHCN | 31/3/2026 | Trình Kế hoạch")
    console = Bot.build(app.config, app=app, messengers=False, schedule=False, console_user="gd-khcn")
    asyncio.run(console.say("/baocao"))
    out = capsys.readouterr().out
    assert "  1. #1 Trình Kế hoạch" in out
    assert "📬" in out and "Trình Kế hoạch" in out.split("📬", 1)[1]  # the new task, queued for the head
    asyncio.run(console.say("1"))
    assert "  4. 100%" in capsys.readouterr().out


def test_interactive_console_reads_until_end_of_input(app, capsys):
    lines = iter(["/help", "   ", "/tonghop"])

    def read(prompt):
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    bot = Bot.build(app.config, app=app, messengers=False, schedule=False, read_input=True)
    assert bot.console is not None
    bot.console.read = read
    asyncio.run(bot.run())  # ends by itself at the end of input
    out = capsys.readouterr().out
    assert "/moi" in out and "/giao" in out


def run_dondoc(workdir: Path, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": os.environ.get("DATABASE_URL") or "", "PYTHONWARNINGS": "error"}
    if not env["DATABASE_URL"]:
        env.pop("DATABASE_URL")
    result = subprocess.run(
        [sys.executable, "-m", "dondoc", *args],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_first_session_in_real_processes(tmp_path, database_url):
    """A new user: the console admin invites a head, who joins and reports; /tonghop shows it."""
    os.environ["DATABASE_URL"] = database_url
    try:
        first = run_dondoc(tmp_path, "say", "/moi KHCN head")
        note = first.splitlines()[0]
        assert "vanphong" in note and "/moi" not in note  # the first start says who the admin is
        code = INVITE_CODE.search(first).group(0)
        assert note not in run_dondoc(tmp_path, "say", "/help")  # said once only
        run_dondoc(tmp_path, "say", "/giao KHCN | 31/12/2099 | Trình Kế hoạch phát triển KH&CN")
        joined = run_dondoc(tmp_path, "say", "--as", "gd-khcn", f"/start {code}")
        assert "Sở Khoa học và Công nghệ" in joined and "/baocao" in joined
        assert "65%" in run_dondoc(tmp_path, "say", "--as", "gd-khcn", "bao cao 1 65% Đã xong dự thảo")
        summary = run_dondoc(tmp_path, "say", "/tonghop")
        assert "Sở Khoa học và Công nghệ" in summary
        assert "65%" in run_dondoc(tmp_path, "say", "/xem 1")
    finally:
        os.environ.pop("DATABASE_URL", None)


def test_run_at_an_idle_console_stops_cleanly_on_sigterm(tmp_path, database_url):
    """`dondoc run` with no token and its input left open: SIGTERM ends it with "stopped", no traceback."""
    import signal

    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONWARNINGS": "error"}
    process = subprocess.Popen(
        [sys.executable, "-m", "dondoc", "run"],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        while "Ctrl-D" not in (line := process.stdout.readline()):  # the console is waiting for input
            assert line, process.stderr.read() if process.stderr else ""
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "stopped" in err and "Traceback" not in err
