"""Resident ID numbers (居民身份证号, GB 11643-1999).

Validated with the ISO 7064 MOD 11-2 check digit and the embedded birth date; stored
only masked (first 6 + last 4) and as a keyed hash, never in clear.
"""
import hashlib
import hmac
import re
import unicodedata
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# ASCII digits only: a bare \d would also accept e.g. Arabic-Indic digits, letting the
# same number validate under a second spelling (and a second hash).
_PATTERN = re.compile(r"[0-9]{17}[0-9X]")


def normalize(value):
    # NFKC turns the full-width digits and letters of Chinese input methods into ASCII.
    value = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"\s+", "", value).upper()


def check_digit(first17):
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK[total % 11]


def is_valid(value):
    number = normalize(value)
    if not _PATTERN.fullmatch(number):
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if born.year < 1900 or born > date.today():
        return False
    return check_digit(number[:17]) == number[17]


def mask(value):
    number = normalize(value)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def digest(value, key):
    """Keyed hash, so equal numbers can be matched without storing them."""
    return hmac.new(key.encode(), normalize(value).encode(), hashlib.sha256).hexdigest()
