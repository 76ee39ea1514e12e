"""Resident ID numbers (居民身份证号, GB 11643-1999).

Validated with the ISO 7064 MOD 11-2 check digit and the embedded birth date; stored
only masked (the first and the last character) and as a keyed scrypt hash, never in clear.

Why so little in clear: the first 6 digits name the county and the last 4 hold the sequence
and check digit, so the old mask (6 + 4) left only the birth date to guess — 36,525 tries
for a century, under a second with a fast keyed hash. With 1 + 1 characters kept, a guess
ranges over region × date × sequence (~10^11), and each scrypt try costs ~16 MiB and ~0.1 s
of CPU time. The hash needs its own key (IDNUMBER_KEY), which the database never holds.
"""
import hashlib
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
    """The number as staff see it: first and last character only (`1****************X`)."""
    number = normalize(value)
    return number[:1] + "*" * (len(number) - 2) + number[-1:]


# scrypt cost: N=2^14, r=8 → 16 MiB of memory and ~0.1 s per hash on one core (125 ms measured here).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1


def digest(value, key):
    """A slow keyed hash (scrypt, the key as salt), so equal numbers can be matched without
    storing them and a leaked table is costly to reverse. 64 hex characters."""
    return hashlib.scrypt(normalize(value).encode(), salt=key.encode(), n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                          dklen=32).hex()


def stored_digest(value):
    """`digest` under this deployment's IDNUMBER_KEY (never SECRET_KEY)."""
    from flask import current_app

    return digest(value, current_app.config["IDNUMBER_KEY"])
