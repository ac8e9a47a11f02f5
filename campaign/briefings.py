"""What goes into a 简报, and how it becomes a PDF.

`briefing_collect` gathers the figures (a fixed number of queries whatever the size of
the district), `briefing_html` lays them out after GB/T 9704, `briefing_pdf` renders
with WeasyPrint. The Celery task in campaign/tasks.py strings them together.
"""

from django.template.loader import render_to_string

from study.selectors import group_rollup, unit_rollup


def briefing_collect(briefing):
    campaign = briefing.campaign
    rollup = (
        group_rollup(briefing.group, campaign)
        if briefing.group_id
        else unit_rollup(briefing.unit, campaign)
    )
    return {"scope": briefing.scope_name, "figures": rollup.figures, "rows": rollup.rows}


def briefing_html(data, briefing):
    return render_to_string("briefings/briefing.html", {"briefing": briefing, **data})


def briefing_pdf(html):
    # Imported here: WeasyPrint loads Pango at import, which only the worker needs.
    from weasyprint import HTML

    return HTML(string=html).write_pdf()
