"""Enums with Chinese titles, stored as their string values."""
import enum


class TitledEnum(str, enum.Enum):
    """An Enum whose members carry a Chinese display title: `Role.staff.title` → "工作人员"."""

    def __new__(cls, value, title):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.title = title
        return obj

    def __str__(self):
        return self.value

    @classmethod
    def choices(cls):
        return [(m.value, m.title) for m in cls]
