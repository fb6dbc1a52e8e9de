"""What people read: task lists, a task in full, agency progress, summaries and overdue lists."""


def setup_tasks(team):
    team.say("vanphong", "/giao KHCN | 31/3/2026 | Trình Kế hoạch năm 2026 | STC")
    team.say("vanphong", "/giao KHCN | 10/3/2026 | Rà soát các kết luận")
    team.say("vanphong", "/giao STC | 5/3/2026 | Bố trí kinh phí | KHCN; Sở Nội vụ")
    team.say("vanphong", "/giao KHCN | thường xuyên | Duy trì phong trào Bình dân học vụ số")


def test_task_list_is_most_urgent_first_with_days_and_percent(team, clock):
    setup_tasks(team)
    team.say("cv-khcn", "/baocao 2 40% Đã rà soát một phần")
    clock.advance(days=10)  # Thursday 12/3/2026: task 2 and 3 are late
    listing = team.say("cv-khcn", "/nhiemvu")
    order = [listing.index(f"#{n} ") for n in (2, 1, 4)]
    assert order == sorted(order)
    leads, cooperating = listing.split("Phối hợp")
    assert "#3 " in cooperating and "#3 " not in leads  # KHCN only cooperates on task 3
    assert "Thứ Năm, 5/3/2026" in listing and "Thứ Ba, 10/3/2026" in listing
    assert "40%" in listing and "⚠️ #2" in listing and "⚠️ #3" in listing and "⚠️ #1" not in listing


def test_task_in_full(team):
    setup_tasks(team)
    team.say("cv-khcn", "/baocao 3 50% Đã gửi ý kiến")
    detail = team.say("pct", "/xem 3")
    for part in (
        "Bố trí kinh phí",
        "Sở Tài chính",
        "Sở Khoa học và Công nghệ",
        "Sở Nội vụ",
        "Thứ Năm, 5/3/2026",
        "50%",
        "Đã gửi ý kiến",
        "cv-khcn",
    ):
        assert part in detail, part


def test_english_speakers_read_english(team):
    setup_tasks(team)
    assert "English" in team.say("gd-khcn", "/ngonngu en")
    listing = team.say("gd-khcn", "/nhiemvu")
    assert "Tuesday, 31/3/2026" in listing and "29 days left" in listing
    assert "Thứ" not in listing
    team.say("gd-khcn", "/ngonngu vi")
    assert "Thứ Ba, 31/3/2026" in team.say("gd-khcn", "/nhiemvu")


def test_agency_progress_and_office_summaries(team, clock):
    setup_tasks(team)
    team.say("gd-khcn", "/hoanthanh 2 Đã ban hành Công văn 15/SKHCN-VP")
    clock.advance(days=7)  # Monday 9/3/2026: task 3 (STC, 5/3) is late
    progress = team.say("gd-khcn", "/tiendo")
    summary = team.say("vanphong", "/tonghop")
    overdue = team.say("pct", "/quahan")
    per_agency = team.say("vanphong", "/tonghop so tai chinh")
    assert "Sở Khoa học và Công nghệ" in progress
    assert "Sở Tài chính" in summary and "Sở Khoa học và Công nghệ" in summary
    assert "#3 " in overdue and "#1 " not in overdue and "quá hạn 4 ngày" in overdue
    assert "Bố trí kinh phí" in per_agency and "Rà soát" not in per_agency
    assert "#1 Trình Kế hoạch năm 2026 [phối hợp]" in per_agency  # STC cooperates on task 1


def test_deadline_already_passed_is_refused(team):
    reply = team.say("vanphong", "/giao KHCN | 1/1/2026 | Việc cũ")
    assert "Thứ Năm, 1/1/2026" in reply
    assert "#1" not in team.say("vanphong", "/nhiemvu")
