"""Resident ID numbers (GB 11643-1999): check digit, birth date, masking, keyed hash.

Valid numbers are built here from the published algorithm, independently of the code
under test, so a wrong weight table or check-character string in the module fails.
"""
from datetime import date, timedelta

import pytest

from webapp.core import idnumber

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK_CHARS = "10X98765432"


def with_check_digit(first17):
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS))
    return first17 + CHECK_CHARS[total % 11]


def wrong_check_digits(number):
    return [number[:17] + c for c in "0123456789X" if c != number[17]]


def test_well_known_example_is_valid():
    # The example printed in the standard and countless references.
    assert with_check_digit("11010519491231002") == "11010519491231002X"
    assert idnumber.is_valid("11010519491231002X")


@pytest.mark.parametrize("first17", [
    "44030419900307361",   # Shenzhen, 1990-03-07
    "31010119800229123",   # leap day 1980
    "51010720001231000",   # 2000-12-31
    "65010219000101555",   # earliest accepted year
    "11010820240615009",
])
def test_numbers_built_from_the_algorithm_are_valid(first17):
    number = with_check_digit(first17)
    assert idnumber.check_digit(first17) == number[17]
    assert idnumber.is_valid(number)


def test_every_check_character_is_accepted_when_correct():
    # Walk sequence numbers until each of the 11 check characters has appeared once.
    seen = set()
    for seq in range(1000):
        number = with_check_digit(f"110105198506{15:02d}{seq:03d}")
        seen.add(number[17])
        assert idnumber.is_valid(number), number
        if len(seen) == 11:
            break
    assert seen == set(CHECK_CHARS)


@pytest.mark.parametrize("number", ["11010519491231002X", with_check_digit("44030419900307361")])
def test_any_other_check_digit_is_rejected(number):
    for bad in wrong_check_digits(number):
        assert not idnumber.is_valid(bad), bad


@pytest.mark.parametrize("first17", [
    "11010519490230002",   # 30 February
    "11010519491301002",   # month 13
    "11010519490000002",   # month 00
    "11010519490132002",   # day 32
    "11010519000229002",   # 1900 was not a leap year
    "11010518991231002",   # before 1900
])
def test_impossible_birth_dates_are_rejected_even_with_a_correct_check_digit(first17):
    assert not idnumber.is_valid(with_check_digit(first17))


def test_birth_date_in_the_future_is_rejected():
    tomorrow = date.today() + timedelta(days=1)
    assert not idnumber.is_valid(with_check_digit(f"110105{tomorrow:%Y%m%d}001"))
    today = date.today()
    assert idnumber.is_valid(with_check_digit(f"110105{today:%Y%m%d}001"))


@pytest.mark.parametrize("value", [
    "",
    None,
    "11010519491231002",       # 17 characters
    "11010519491231002X0",     # 19 characters
    "110105491231002",         # old 15-digit format is not accepted
    "1101051949123100XX",      # X only allowed as the last character
    "11010519491231A02X",
    "11010519491231002Y",
])
def test_malformed_numbers_are_rejected(value):
    assert not idnumber.is_valid(value)


def test_lowercase_x_and_spaces_are_normalised():
    assert idnumber.is_valid("11010519491231002x")
    assert idnumber.is_valid(" 110105 19491231 002x ")
    assert idnumber.normalize("11010519491231002x") == "11010519491231002X"
    key = "k" * 32
    assert idnumber.digest("11010519491231002x", key) == idnumber.digest("11010519491231002X", key)
    assert idnumber.mask("11010519491231002x") == idnumber.mask("11010519491231002X")


def test_full_width_digits_are_normalised():
    # Chinese input methods often produce full-width digits.
    full_width = "１１０１０５１９４９１２３１００２Ｘ"
    assert idnumber.is_valid(full_width)
    assert idnumber.normalize(full_width) == "11010519491231002X"
    key = "k" * 32
    assert idnumber.digest(full_width, key) == idnumber.digest("11010519491231002X", key)


def test_non_ascii_decimal_digits_are_rejected():
    # Python's \d matches e.g. Arabic-Indic digits; such a number must not validate,
    # or the same person could be stored under a second hash.
    arabic_indic = "".join(chr(0x660 + int(c)) for c in "11010519491231002") + "X"
    assert not idnumber.is_valid(arabic_indic)


def test_mask_keeps_only_the_first_and_last_character():
    # Issue 10 finding 9: first 6 + last 4 left only the birth date to guess.
    number = "11010519491231002X"
    masked = idnumber.mask(number)
    assert masked == "1****************X"
    assert len(masked) == 18
    assert masked[:1] == number[:1] and masked[-1:] == number[-1:]
    assert "19491231" not in masked and "110105" not in masked


def test_digest_is_keyed_and_stable():
    number = "11010519491231002X"
    first = idnumber.digest(number, "key-one-" + "a" * 24)
    assert first == idnumber.digest(number, "key-one-" + "a" * 24)
    assert first != idnumber.digest(number, "key-two-" + "b" * 24)
    assert first != idnumber.digest(with_check_digit("44030419900307361"), "key-one-" + "a" * 24)
    assert len(first) == 64 and number not in first
    # Not a plain (unkeyed) SHA-256 of the number.
    import hashlib

    assert first != hashlib.sha256(number.encode()).hexdigest()


# ---------------------------------------------------------------- storage through the service

def _png():
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, "PNG")
    buf.seek(0)
    return buf


def test_verification_stores_the_id_number_only_masked_and_hashed(app, make_user, db):
    from webapp.accounts import services
    from webapp.accounts.models import VerificationRequest

    number = "11010519491231002x"
    req = services.apply_for_verification(make_user("zhang"), "张三", "某省科协", "副主席", _png(), id_number=number)
    assert req.id_number_masked == "1****************X"
    key = app.config["IDNUMBER_KEY"]
    assert req.id_number_hash == idnumber.digest("11010519491231002X", key)
    # The full number (either spelling) and its birth date appear in no column.
    row = db.session.execute(db.text("SELECT * FROM verification_requests")).one()
    for value in row:
        text = str(value).upper()
        assert "11010519491231002X" not in text and "19491231" not in text
    assert VerificationRequest.query.count() == 1


def test_verification_refuses_an_invalid_id_number(make_user, db):
    from webapp.accounts import services
    from webapp.accounts.models import VerificationRequest
    from webapp.core.errors import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.apply_for_verification(make_user("zhang"), "张三", "某省科协", "副主席", _png(),
                                        id_number="110105194912310021")
    assert set(exc.value.fields) == {"id_number"}
    assert VerificationRequest.query.count() == 0
