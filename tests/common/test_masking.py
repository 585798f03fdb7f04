"""ID numbers and mobile numbers are masked in any text, whatever surrounds them."""
import pytest

from common.masking import mask_personal_numbers


@pytest.mark.parametrize(("text", "expected"), [
    ("/people/?q=62100219480302011X", "/people/?q=6210**********011X"),
    ("/people/?anything=621002194803020114&page=2", "/people/?anything=6210**********0114&page=2"),
    ("/people/?q=62100219480302011x", "/people/?q=6210**********011x"),
    ("/api/people?q=%36%32%31%30%30%32%31%39%34%38%30%33%30%32%30%31%31%34", "/api/people?q=6210**********0114"),
    ("筛选：姓名=张三，身份证=621002194803020114", "筛选：姓名=张三，身份证=6210**********0114"),
    ("/staff?phone=13900000011", "/staff?phone=139****0011"),
    ("/staff?phone=%2B86+13900000011", "/staff?phone=139****0011"),
    ("/x?old=621002480302011", "/x?old=62***********11"),
    ("/x?n=12345678901234567890", "/x?n=12345678901234567890"),  # 20 digits: no ID number
    ("/people/12/", "/people/12/"),
    ("", ""),
])
def test_masks_id_and_mobile_numbers_anywhere(text, expected):
    assert mask_personal_numbers(text) == expected


def test_a_decoded_nul_is_never_stored():
    from common.masking import mask_personal_numbers

    assert mask_personal_numbers("/api/people/1?q=%00") == "/api/people/1?q=\ufffd"
