"""Password rules for a 等保 level-3 system: at least three of the four character classes."""
import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CLASSES = (
    ("lower", lambda c: c in string.ascii_lowercase),
    ("upper", lambda c: c in string.ascii_uppercase),
    ("digit", lambda c: c in string.digits),
    ("symbol", lambda c: not c.isalnum() and not c.isspace()),
)


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        used = sum(any(test(c) for c in password) for _name, test in CLASSES)
        if used < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字、符号中的至少 %(n)s 类") % {"n": self.min_classes}
