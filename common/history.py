"""Records of what was changed — a roster's corrections, a make-up's, a ledger's, a
rectification item's changes, a unit's stage corrections, a 转段 application's events —
are written once and never again: "指定专人做好教育活动台帐" is worth something only if
the record of who changed what can't itself be changed.

`HistoryModel` refuses, in the model layer, whatever would rewrite or remove a row once
written: `save()` of a saved row, `delete()`, and a queryset's `update()` and `delete()`.
The rows they are the history of point to them with PROTECT, so that no cascade removes
history either, and the admin shows them read-only (`ReadOnlyAdmin`).
"""

from django.db import models
from django.utils.translation import gettext as _


class HistoryRewrite(Exception):
    """An attempt to change or delete a written history row."""


def _refuse(model: type[models.Model]) -> HistoryRewrite:
    return HistoryRewrite(
        _("%(name)s只能新增,不能修改或删除。") % {"name": model._meta.verbose_name}
    )


class HistoryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise _refuse(self.model)

    def delete(self):
        raise _refuse(self.model)

    def bulk_update(self, objs, fields, batch_size=None):
        raise _refuse(self.model)

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise _refuse(self.model)


class HistoryModel(models.Model):
    """An append-only row: created once, then only read."""

    objects = HistoryQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise _refuse(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _refuse(type(self))
