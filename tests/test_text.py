import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from dondoc.text import fold, key, nfc, shorten


def test_fold_removes_diacritics_and_case():
    assert fold("Sở  Tài chính") == "so tai chinh"
    assert fold("ĐẶC KHU LÝ SƠN") == "dac khu ly son"
    assert key("Sở KH&CN") == "sokhcn"


def test_nfd_input_becomes_nfc_and_loses_invisible_characters():
    decomposed = unicodedata.normalize("NFD", "Tiến độ")
    assert decomposed != "Tiến độ"
    assert nfc(decomposed + "\u200b\x07") == "Tiến độ"


@given(st.text())
def test_fold_is_the_same_for_every_normalisation(text):
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))
    assert fold(text) == fold(fold(text))


def test_shorten_cuts_at_a_word():
    assert shorten("một hai ba bốn năm", 10) == "một hai…"
    assert shorten("ngắn", 10) == "ngắn"
