"""Second blind question set, written as real users would type in chat.

Each entry is (who, text, about, numbers):
- who: "vanphong", "pct", "cv-syt", "gd-stc" or "ca-tinh";
- text: the message exactly as typed;
- about: the agency the answer is about (or ALL / REFUSED / UNSURE);
- numbers: the task numbers the answer must list.

Database state: today is Monday 2/3/2026.
"""

ALL = "Tất cả các cơ quan"
STC = "Sở Tài chính"
SYT = "Sở Y tế"
SXD = "Sở Xây dựng"
CAT = "Công an tỉnh"
KHCN = "Sở Khoa học và Công nghệ"
TK = "Xã Tịnh Khê"
REFUSED = "refused"
UNSURE = "unsure"

BLIND2 = [
    # --- overdue ---
    ("vanphong", "quá hạn", ALL, {1, 2, 5, 7, 13}),
    ("pct", "Có bao nhiêu nhiệm vụ đang quá hạn vậy em?", ALL, {1, 2, 5, 7, 13}),
    ("vanphong", "ds nv qua han", ALL, {1, 2, 5, 7, 13}),
    ("pct", "NHIỆM VỤ NÀO ĐÃ QUÁ HẠN MÀ CHƯA XONG?", ALL, {1, 2, 5, 7, 13}),
    ("vanphong", "Which tasks are overdue right now?", ALL, {1, 2, 5, 7, 13}),
    ("vanphong", "nhiệm vu quá hạnn của tất cả các đơn vị", ALL, {1, 2, 5, 7, 13}),
    ("vanphong", "STC quá hạn?", STC, {1, 2}),
    ("pct", "Sở Tài chính có nhiệm vụ nào trễ hạn không", STC, {1, 2}),
    ("vanphong", "so tai chinh qua han nhung nv nao", STC, {1, 2}),
    ("vanphong", "  Sở TC   quá hạn mấy nv ??", STC, {1, 2}),
    (
        "pct",
        "Kính gửi bot, cho anh hỏi đến hôm nay Sở Y tế còn những nhiệm vụ nào "
        "đã quá hạn mà chưa hoàn thành ạ?",
        SYT,
        {5},
    ),
    ("vanphong", "SYT co nv nao qua han k", SYT, {5}),
    ("vanphong", "sỞ y TẾ quá hạn", SYT, {5}),
    ("pct", "Công an tỉnh có việc gì trễ hạn không?", CAT, {7}),
    ("vanphong", "xã Tịnh Khê quá hạn mấy nv", TK, {13}),
    ("vanphong", "Sở Xây dựng có nhiệm vụ nào quá hạn không ạ", SXD, set()),
    ("pct", "KHCN qua han?", KHCN, set()),
    ("vanphong", "Does the Department of Health have any overdue tasks?", SYT, {5}),
    # --- due soon / by period ---
    ("vanphong", "sapden", ALL, {3, 12}),
    ("pct", "Tuần này có những nhiệm vụ nào đến hạn?", ALL, {3, 12}),
    ("vanphong", "nv sắp đến hạn", ALL, {3, 12}),
    ("vanphong", "7 ngay toi co nv nao het han ko", ALL, {3, 12}),
    ("pct", "What tasks are due this week?", ALL, {3, 12}),
    ("vanphong", "STC tuần này có nv nào tới hạn", STC, {3}),
    ("pct", "Sở Y tế trong tuần này phải hoàn thành nhiệm vụ gì?", SYT, {12}),
    ("vanphong", "ngày mai hết hạn nv nào", ALL, {12}),
    ("pct", "Nhiệm vụ nào có hạn vào ngày mai 3/3?", ALL, {12}),
    ("vanphong", "hnay có nv nào đến hạn hk", ALL, set()),
    ("vanphong", "Trong 15 ngày tới có những nhiệm vụ nào đến hạn?", ALL, {3, 4, 6, 12}),
    ("pct", "15 ngay toi STC co nv nao den han", STC, {3, 4}),
    ("vanphong", "Sở Y tế 15 ngày tới có bnhiu nhiệm vụ đến hạn", SYT, {6, 12}),
    ("vanphong", "SXD trong 15 ngày tới đến hạn nv nào", SXD, {6}),
    ("pct", "tuần sau có nv nào đến hạn ko", ALL, {4, 6}),
    ("vanphong", "Tuần tới (9/3 - 15/3) những nhiệm vụ nào hết hạn?", ALL, {4, 6}),
    ("vanphong", "Tháng này còn những nhiệm vụ nào đến hạn?", ALL, {3, 4, 6, 12}),
    ("pct", "từ nay đến cuối tháng 3 có nv nào phải xong", ALL, {3, 4, 6, 12}),
    ("vanphong", "tháng 4 có nv nào đến hạn", ALL, {11}),
    ("pct", "Which tasks are due in April?", ALL, {11}),
    ("vanphong", "Những nhiệm vụ nào hết hạn từ nay đến hết ngày 10/3?", ALL, {3, 6, 12}),
    ("vanphong", "Which tasks are due between today and March 10?", ALL, {3, 6, 12}),
    # --- progress of one task ---
    ("vanphong", "tiến độ nv 3", STC, {3}),
    ("pct", "Nhiệm vụ 4 đến đâu rồi?", STC, {4}),
    ("vanphong", "nv 5 tien do ntn", SYT, {5}),
    ("pct", "Cho anh xem tiến độ nhiệm vụ số 12", SYT, {12}),
    ("vanphong", "nhiệm vụ 9 ra sao rồi", KHCN, {9}),
    ("vanphong", "What is the progress of task 2?", STC, {2}),
    ("pct", "NV 7 TỚI ĐÂU RỒI", CAT, {7}),
    ("vanphong", "nhiệm vụ 13 thế nào", TK, {13}),
    ("vanphong", "tiến độ nhiệm vụ 6??", SYT, {6}),
    ("pct", "nv số 11 đã làm dc j chưa", SXD, {11}),
    ("vanphong", "nhiệm vụ 10 xong chưa", KHCN, {10}),
    ("vanphong", "tien do nv 1", STC, {1}),
    ("pct", "Nhiệm vụ 8 hiện nay tiến độ thế nào?", CAT, {8}),
    ("vanphong", "nv 3 sao z", STC, {3}),
    ("vanphong", "tiến độ nv 99", REFUSED, set()),
    ("pct", "nhiem vu so 99 the nao", REFUSED, set()),
    # --- situation of one agency ---
    ("pct", "báo cáo tình hình Sở Tài chính", STC, {1, 2, 3}),
    ("vanphong", "tình hình SYT", SYT, {5, 12}),
    ("pct", "Tình hình thực hiện nhiệm vụ của Công an tỉnh thế nào?", CAT, {7}),
    ("vanphong", "tinh hinh so khoa hoc va cong nghe", KHCN, {9}),
    ("vanphong", "Sở Xây dựng tình hình ra sao", SXD, set()),
    ("pct", "Xã Tịnh Khê tình hình thế nào rồi em", TK, {13}),
    ("vanphong", "What is the situation of the Department of Finance?", STC, {1, 2, 3}),
    # --- most overdue ---
    ("pct", "Cơ quan nào có nhiều nhiệm vụ quá hạn nhất?", STC, {1, 2, 5, 7, 13}),
    ("vanphong", "don vi nao tre han nhieu nhat", STC, {1, 2, 5, 7, 13}),
    ("pct", "Which agency has the most overdue tasks?", STC, {1, 2, 5, 7, 13}),
    # --- no report at all ---
    ("vanphong", "nv nào chưa có báo cáo nào", ALL, {1, 4, 6, 7, 8, 11, 13}),
    (
        "pct",
        "Những nhiệm vụ nào đến giờ vẫn chưa được báo cáo lần nào?",
        ALL,
        {1, 4, 6, 7, 8, 11, 13},
    ),
    ("vanphong", "Which tasks have no progress report yet?", ALL, {1, 4, 6, 7, 8, 11, 13}),
    ("vanphong", "STC chưa bc nv nào", STC, {1, 4}),
    ("vanphong", "Công an tỉnh có nv nào chưa báo cáo k", CAT, {7, 8}),
    ("pct", "Sở XD chưa báo cáo những nhiệm vụ gì", SXD, {6, 11}),
    ("vanphong", "so y te chua bao cao nv nao", SYT, {6}),
    # --- reports today / yesterday ---
    ("vanphong", "hnay có những bc nào", ALL, {3, 5, 9, 12}),
    ("pct", "Hôm nay các đơn vị đã gửi báo cáo cho nhiệm vụ nào?", ALL, {3, 5, 9, 12}),
    ("vanphong", "What reports came in today?", ALL, {3, 5, 9, 12}),
    ("vanphong", "STC hôm nay báo cáo gì", STC, {3}),
    ("vanphong", "Sở Y tế hôm nay đã báo cáo những nhiệm vụ nào?", SYT, {5, 12}),
    ("vanphong", "hôm qua có báo cáo nào ko", ALL, {2}),
    ("pct", "Reports submitted yesterday?", ALL, {2}),
    # --- not acknowledged as received ---
    ("vanphong", "nv nào chưa xác nhận đã nhận", ALL, {1, 6, 7, 8, 11, 13}),
    ("pct", "Những nhiệm vụ nào các đơn vị chưa tiếp nhận?", ALL, {1, 6, 7, 8, 11, 13}),
    ("vanphong", "STC chua xac nhan nhan nv nao", STC, {1}),
    ("vanphong", "Công an chưa nhận nhiệm vụ nào", CAT, {7, 8}),
    ("pct", "sở xây dựng có nv nào chưa tiếp nhận ko", SXD, {6, 11}),
    ("vanphong", "nhiệm vụ 6 đã có đơn vị nào xác nhận đã nhận chưa", SXD, {6}),
    # --- awaiting the office's confirmation ---
    ("vanphong", "nv nào đang chờ văn phòng xác nhận hoàn thành", ALL, {9}),
    ("pct", "Có báo cáo hoàn thành nào đang chờ xác nhận không?", ALL, {9}),
    ("vanphong", "Which completion reports are waiting for our confirmation?", ALL, {9}),
    # --- unfinished task list of one agency ---
    ("vanphong", "ds nv chưa hoàn thành của STC", STC, {1, 2, 3, 4}),
    ("pct", "Sở Y tế còn những nhiệm vụ nào chưa xong?", SYT, {5, 6, 12}),
    ("vanphong", "cong an tinh con nv nao chua hoan thanh", CAT, {7, 8}),
    ("vanphong", "SXD còn bnhiu nv chưa hoàn thành", SXD, {6, 11}),
    ("pct", "Sở KH&CN còn nhiệm vụ nào chưa hoàn thành?", KHCN, {9}),
    ("vanphong", "Xã Tịnh Khê còn nv nào chưa xong k", TK, {13}),
    ("pct", "List the unfinished tasks of the Department of Construction", SXD, {6, 11}),
    # --- focal officer of Sở Y tế ---
    ("cv-syt", "quá hạn?", SYT, {5}),
    ("cv-syt", "Bên em có nhiệm vụ nào sắp đến hạn không ạ?", SYT, {12}),
    ("cv-syt", "tiến độ nv 12", SYT, {12}),
    ("cv-syt", "nv 6 tới đâu rồi", SYT, {6}),
    ("cv-syt", "tình hình sở mình", SYT, {5, 12}),
    ("cv-syt", "hnay bên mình đã bc nv nào rồi", SYT, {5, 12}),
    ("cv-syt", "chua bao cao nv nao", SYT, {6}),
    ("cv-syt", "ds nv chưa hoàn thành", SYT, {5, 6, 12}),
    ("cv-syt", "15 ngày tới có nv nào hết hạn", SYT, {6, 12}),
    ("cv-syt", "mai hết hạn nv nào", SYT, {12}),
    ("cv-syt", "Do we have any overdue tasks?", SYT, {5}),
    ("cv-syt", "STC quá hạn mấy nv", REFUSED, set()),
    ("cv-syt", "tiến độ nhiệm vụ 1", REFUSED, set()),
    ("cv-syt", "đơn vị nào quá hạn nhiều nhất", REFUSED, set()),
    ("cv-syt", "Công an tỉnh có nv nào chưa nhận không", REFUSED, set()),
    ("cv-syt", "Luong thang nay bao gio co?", UNSURE, set()),
    # --- head of Sở Tài chính ---
    ("gd-stc", "quá hạn", STC, {1, 2}),
    ("gd-stc", "tuan nay co nv nao den han", STC, {3}),
    ("gd-stc", "Tiến độ nhiệm vụ 3 thế nào?", STC, {3}),
    ("gd-stc", "NV 2 TIẾN ĐỘ", STC, {2}),
    ("gd-stc", "nv nào bên mình chưa báo cáo", STC, {1, 4}),
    ("gd-stc", "Sở mình còn nv nào chưa xác nhận đã nhận?", STC, {1}),
    ("gd-stc", "báo cáo tình hình đơn vị", STC, {1, 2, 3}),
    ("gd-stc", "danh sách nv chưa hoàn thành", STC, {1, 2, 3, 4}),
    ("gd-stc", "trong 15 ngày tới có nv nào đến hạn ko", STC, {3, 4}),
    ("gd-stc", "Hôm nay bên mình đã báo cáo nhiệm vụ nào chưa?", STC, {3}),
    ("gd-stc", "SYT quá hạn nv nào", REFUSED, set()),
    ("gd-stc", "nv 12 tiến độ sao rồi", REFUSED, set()),
    ("gd-stc", "Which agency has the most overdue tasks in the province?", REFUSED, set()),
    # --- head of Công an tỉnh ---
    ("ca-tinh", "quá hạn ko", CAT, {7}),
    ("ca-tinh", "nhiệm vụ 8 tiến độ?", CAT, {8}),
    ("ca-tinh", "What is the status of task 7?", CAT, {7}),
    ("ca-tinh", "Đơn vị tôi có nhiệm vụ nào chưa tiếp nhận không?", CAT, {7, 8}),
    ("ca-tinh", "chưa bc nv nào", CAT, {7, 8}),
    ("ca-tinh", "ds nv chua hoan thanh", CAT, {7, 8}),
    ("ca-tinh", "tình hình đơn vị", CAT, {7}),
    ("ca-tinh", "tiến độ nv 5", REFUSED, set()),
    ("ca-tinh", "Sở Xây dựng còn bao nhiêu nv chưa xong", REFUSED, set()),
    # --- unknown agency ---
    ("vanphong", "Sở Du lịch có nv nào quá hạn không", REFUSED, set()),
    # --- not answerable from task data ---
    ("vanphong", "thời tiết Quảng Ngãi hôm nay thế nào", UNSURE, set()),
    ("pct", "Giám đốc Sở Y tế tên là gì?", UNSURE, set()),
    ("vanphong", "ngân sách năm 2026 của tỉnh bao nhiêu tiền", UNSURE, set()),
    ("vanphong", "Sở Tài chính có bao nhiêu cán bộ?", UNSURE, set()),
    ("pct", "Who is the director of the Department of Construction?", UNSURE, set()),
]
