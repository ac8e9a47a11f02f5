"""The 党员名册 (roster) pages: the Excel export and the import template, and the import
itself (upload → preview → confirm). Whoever sees a unit may export its roster; only the
office imports (units.permissions)."""

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from units import roster_export as exports
from units import roster_import as imports
from units.forms import MemberFilterForm
from units.models import Member, RosterImport
from units.permissions import require
from units.roster_format import COLUMNS, XLSX_CONTENT_TYPE
from units.shortcuts import get_unit

PREVIEW_ROWS = 200
PREVIEW_ERRORS = 200


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("名册文件"),
        help_text=gettext_lazy("Excel 工作簿(.xlsx),不超过 5 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if name.endswith((".xls", ".et", ".wps")):
            raise forms.ValidationError(
                _(
                    "只能导入 .xlsx 格式。请在 Excel 或 WPS 中打开这个文件,"
                    "“另存为”Excel 工作簿(*.xlsx)后再上传。"
                )
            )
        if not name.endswith(".xlsx"):
            raise forms.ValidationError(_("只能导入 Excel 工作簿(.xlsx)文件。"))
        if upload.size > imports.MAX_UPLOAD_SIZE:
            raise forms.ValidationError(
                _("文件不能超过 5 MB。名册以外的工作表、图片可以删去后再上传。")
            )
        if not imports.roster_check_file(upload=upload):
            raise forms.ValidationError(
                _(
                    "无法读取这个文件:它可能已损坏,或不是 Excel 工作簿。"
                    "请用 Excel 打开后另存为 .xlsx 再上传。"
                )
            )
        return upload


class RosterConfirmForm(forms.Form):
    """The confirmation of an upload; the box matters only when the file lacks columns."""

    without_columns = forms.BooleanField(label=gettext_lazy("导入时不含这些列"), required=False)


def _xlsx_response(content, filename):
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=filename,
        content_type=XLSX_CONTENT_TYPE,
    )


@login_required
def roster_export(request, pk):
    unit = get_unit(request, pk, "export_roster")
    members = MemberFilterForm(request.GET or None).filter(Member.objects.under(unit))
    content = exports.roster_export(unit=unit, members=members)
    filename = f"{unit.name}党员名册{timezone.localdate():%Y%m%d}.xlsx"
    return _xlsx_response(content, filename)


@login_required
def roster_template(request, pk):
    unit = get_unit(request, pk, "export_roster")
    return _xlsx_response(exports.roster_template(unit=unit), "党员名册导入模板.xlsx")


@login_required
def roster_import(request, pk):
    unit = get_unit(request, pk, "import_roster")
    if request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = imports.roster_import_upload(
                unit=unit, uploaded_by=request.user, upload=form.cleaned_data["file"]
            )
            return redirect("units:roster_import_preview", pk=upload.pk)
    else:
        form = RosterUploadForm()
    return render(
        request,
        "units/roster_import.html",
        {
            "unit": unit,
            "form": form,
            "columns": COLUMNS,
            "recent_imports": unit.roster_imports.select_related("uploaded_by")[:5],
        },
    )


def _get_roster_import(request, pk):
    roster_import = get_object_or_404(
        RosterImport.objects.select_related("unit", "uploaded_by", "applied_by"), pk=pk
    )
    require(request.user, "import_roster", roster_import.unit)
    return roster_import


def _render_preview(request, roster_import, plan, confirm_form=None):
    context = {
        "roster_import": roster_import,
        "unit": roster_import.unit,
        "plan": plan,
        "confirm_form": confirm_form or RosterConfirmForm(),
    }
    if plan is not None:
        context.update(
            errors=plan.errors[:PREVIEW_ERRORS],
            hidden_errors=max(len(plan.errors) - PREVIEW_ERRORS, 0),
            rows=plan.preview(PREVIEW_ROWS),
            hidden_rows=max(len(plan.rows) - PREVIEW_ROWS, 0),
        )
    return render(request, "units/roster_preview.html", context)


@login_required
def roster_import_preview(request, pk):
    """GET shows what the upload would do; POST confirms it."""
    roster_import = _get_roster_import(request, pk)
    if request.method == "POST":
        return _roster_import_confirm(request, roster_import)
    plan = (
        None if roster_import.applied_at else imports.roster_validate(roster_import=roster_import)
    )
    return _render_preview(request, roster_import, plan)


def _roster_import_confirm(request, roster_import):
    form = RosterConfirmForm(request.POST)
    form.is_valid()  # an unticked box is valid too: it is False
    try:
        plan = imports.roster_import_apply(
            roster_import=roster_import,
            user=request.user,
            without_columns=form.cleaned_data["without_columns"],
        )
    except imports.RosterAlreadyApplied:
        messages.error(request, _("这份名册已经导入过了,不能重复导入。"))
        return redirect("units:roster_import_preview", pk=roster_import.pk)
    except imports.RosterInvalid as invalid:
        messages.error(request, _("名册中有错误,没有导入任何数据。请改正后重新上传。"))
        return _render_preview(request, roster_import, invalid.plan)
    except imports.RosterColumnsMissing as missing:
        messages.error(
            request,
            _(
                "文件中缺少这些列:%(columns)s。没有导入任何数据。如确认不含这些列导入,"
                "请勾选“导入时不含这些列”后再确认;否则请补上这些列后重新上传。"
            )
            % {"columns": "、".join(column.header for column in missing.plan.missing_columns)},
        )
        return _render_preview(request, roster_import, missing.plan, form)
    messages.success(
        request,
        _("已导入:新增 %(created)s 人,更新 %(updated)s 人")
        % {"created": plan.created_count, "updated": plan.updated_count},
    )
    return redirect("units:members", pk=roster_import.unit_id)
