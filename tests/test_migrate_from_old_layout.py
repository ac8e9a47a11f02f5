"""A database made and seeded by old main, before models moved between apps, migrates to the
current code with every row where it was, and back again.

The current migrations adopt the old tables by renaming them: LAYOUT_CHANGE says which
table each old one has become and which content types changed app. When a migration moves
another model, its entries go there.
"""

import os

import pytest
from django.conf import settings

from tests.old_layout import (
    KEPT_TABLES,
    ROOT,
    ROWS_THE_SEED_LEAVES_OUT,
    export,
    manage,
    manage_env,
    scratch_database,
    snapshot,
)

# The last main before the restructure.
OLD_MAIN = "b42f666"

LAYOUT_CHANGE = {
    # Old table → the table it is now. Renamed, not copied: every row keeps its id.
    "tables": {
        "campaign_cardtype": "ledgers_cardtype",
        "campaign_cardrecord": "ledgers_cardrecord",
        "campaign_discussionrequirement": "ledgers_discussionrequirement",
        "campaign_discussionsession": "ledgers_discussionsession",
        "campaign_integrityrecord": "ledgers_integrityrecord",
        "campaign_leaderlecture": "ledgers_leaderlecture",
        "campaign_ledgercorrection": "ledgers_ledgercorrection",
        "campaign_practiceactivity": "ledgers_practiceactivity",
        "campaign_activityattachment": "ledgers_activityattachment",
        "campaign_practicebaseline": "ledgers_practicebaseline",
        "campaign_practiceplan": "ledgers_practiceplan",
        "campaign_publicitycheck": "ledgers_publicitycheck",
        "campaign_rectificationitem": "ledgers_rectificationitem",
        "campaign_rectificationchange": "ledgers_rectificationchange",
        "campaign_surveyresponse": "ledgers_surveyresponse",
        "campaign_triprequest": "ledgers_triprequest",
        "campaign_briefing": "reports_briefing",
        "supervision_notification": "common_notification",
        "study_topic": "campaign_topic",
        "study_reading": "campaign_reading",
        # campaign/0012: the model Campaign is Batch (批次).
        "campaign_campaign": "campaign_batch",
    },
    # Old table → {old column: the column it is now}.
    "columns": {
        table: {"campaign_id": "batch_id"}
        for table in [
            "campaign_stage",
            "study_topic",
            "study_reading",
            "campaign_cardtype",
            "campaign_practicebaseline",
            "campaign_practiceplan",
            "campaign_briefing",
        ]
    },
    # (old app_label, model) → the app_label it has now. The content type keeps its id, so
    # the permissions and admin history that point at it follow the model.
    "content_types": {
        ("campaign", "cardtype"): "ledgers",
        ("campaign", "cardrecord"): "ledgers",
        ("campaign", "discussionrequirement"): "ledgers",
        ("campaign", "discussionsession"): "ledgers",
        ("campaign", "integrityrecord"): "ledgers",
        ("campaign", "leaderlecture"): "ledgers",
        ("campaign", "ledgercorrection"): "ledgers",
        ("campaign", "practiceactivity"): "ledgers",
        ("campaign", "activityattachment"): "ledgers",
        ("campaign", "practicebaseline"): "ledgers",
        ("campaign", "practiceplan"): "ledgers",
        ("campaign", "publicitycheck"): "ledgers",
        ("campaign", "rectificationitem"): "ledgers",
        ("campaign", "rectificationchange"): "ledgers",
        ("campaign", "surveyresponse"): "ledgers",
        ("campaign", "triprequest"): "ledgers",
        ("campaign", "briefing"): "reports",
        ("supervision", "notification"): "common",
        ("study", "topic"): "campaign",
        ("study", "reading"): "campaign",
        # A renamed model keeps its content type, renamed with it.
        ("campaign", "campaign"): ("campaign", "batch"),
    },
    # Old permission codename → the codename it has now (same id, same content type).
    "permissions": {
        f"{action}_campaign": f"{action}_batch" for action in ("add", "change", "delete", "view")
    },
    # Tables the current code has that old main had nothing for.
    "new_tables": {
        "units_unittally",
        "units_subtreetally",
        "study_unitprogress",
        "study_readingcoverage",
        "study_subtreeprogress",
        "study_subtreecoverage",
        "study_mobilecontacts",
        "study_subtreemobilecontacts",
        "study_reviewbacklog",
        "study_subtreereviewbacklog",
        "ledgers_openproblems",
        "ledgers_subtreeopenproblems",
        "ledgers_practiceday",
        "ledgers_subtreepracticeday",
        "study_makeupcorrection",
        "study_essayfingerprint",
        "supervision_stagecorrection",
        "todos_reminderpreference",
        # Issue 12: jobs waiting to be sent (common.outbox), the briefings sweep's last run.
        "common_outboxmessage",
        "reports_briefingsweep",
        # A form's submission, kept a minute so that a double tap saves once.
        "common_submission",
        # django-axes: failed logins and the login log (units.lockouts).
        "axes_accessattempt",
        "axes_accessattemptexpiration",
        "axes_accessfailurelog",
        "axes_accesslog",
        # Public survey opinions waiting for the branch (待核实).
        "ledgers_surveyopinion",
        # Units by kind and stage, and 二三五 plans filed, stored per unit and subtree.
        "units_unitstanding",
        "units_subtreestanding",
        "ledgers_unitplansfiled",
        "ledgers_subtreeplansfiled",
    },
    # Columns added to a table old main had: compared without them (their foreign keys are
    # new with them); the way back drops them.
    "new_columns": {
        # study/0010: an essay's 疑似重复 shares.
        "study_writing": {"repeated_percent", "shared_percent", "shared_with_id"},
        # supervision/0004: a round after a return keeps its 分析会 unless it must be redone.
        "supervision_transitionapplication": {"makeup_report", "redo_meeting"},
        # reports/0003: a briefing's heartbeat and attempts (issue 12).
        "reports_briefing": {"heartbeat_at", "attempts"},
        # units/0006: a member's 身份证号, by which a re-import tells same-name members apart.
        "units_member": {"id_number"},
        # ledgers/0006: an answer whose opinion the full inbox didn't keep.
        "ledgers_surveyresponse": {"opinion_dropped"},
    },
    # `manage.py migrate APP TARGET`, in this order, takes the current code's database
    # back to old main's migrations.
    "back": [
        ("campaign", "0009"),
        ("study", "0001"),
        ("units", "0002"),
        ("supervision", "0002"),
        ("ledgers", "zero"),
        ("reports", "zero"),
        ("common", "zero"),
        ("todos", "zero"),
        ("axes", "zero"),
    ],
}


def test_a_database_of_the_old_layout_migrates_forward_with_every_row_and_back(tmp_path):
    old_tree = tmp_path / "old"
    reason = export(OLD_MAIN, old_tree)
    if reason:
        # CI must prove the upgrade; a shallow or foreign checkout can't, and says so.
        if os.environ.get("CI"):
            pytest.fail(f"old main ({OLD_MAIN}) can't be read: {reason}")
        pytest.skip(
            f"old main ({OLD_MAIN}) can't be read, so there is nothing to migrate from: {reason}"
        )

    with scratch_database(tmp_path, settings.DATABASES["default"]) as database:
        env = manage_env(database, tmp_path / "media")
        manage(old_tree, "migrate", "--no-input", env=env)
        manage(old_tree, "seed_demo", env=env)
        manage(old_tree, "shell", "-c", ROWS_THE_SEED_LEAVES_OUT, env=env)
        old = snapshot(database)
        old_as_now = snapshot(database, LAYOUT_CHANGE["columns"])
        empty = [name for name in LAYOUT_CHANGE["tables"] if name in old.tables]
        empty = [name for name in empty if old.tables[name].count == 0]
        assert not empty, f"moved tables left empty, so their rows prove nothing: {empty}"

        manage(ROOT, "migrate", "--no-input", env=env)
        forward = snapshot(database, added_columns=LAYOUT_CHANGE["new_columns"])
        # The sums the migrations filled in are the ones a recount gives (it fails if not).
        manage(ROOT, "rollups_rebuild", "--check", env=env)
        problems = forward_problems(old_as_now, forward)
        assert not problems, "after migrating forward:\n" + "\n".join(problems)

        for app, target in LAYOUT_CHANGE["back"]:
            manage(ROOT, "migrate", app, target, "--no-input", env=env)
        back = snapshot(database)
        problems = backward_problems(old, forward, back)
        assert not problems, "after migrating back:\n" + "\n".join(problems)


def forward_problems(old, forward):
    tables, moved = LAYOUT_CHANGE["tables"], LAYOUT_CHANGE["content_types"]
    problems = [
        f"{name}: in LAYOUT_CHANGE['tables'], but old main has no such table"
        for name in tables
        if name not in old.tables
    ]
    old_models = set(old.content_types.values())
    problems += [
        f"content type {app}.{model}: in LAYOUT_CHANGE['content_types'], but old main has none"
        for app, model in moved
        if (app, model) not in old_models
    ]

    for name, before in old.tables.items():
        now = tables.get(name, name)
        after = forward.tables.get(now)
        if after is None:
            problems.append(
                f"{name}: gone; LAYOUT_CHANGE says it is now {now}, which does not exist"
            )
        elif name in KEPT_TABLES:
            problems += _differences(name, before, after, rows=False)
        else:
            problems += _differences(f"{name} → {now}" if now != name else name, before, after)
    expected = {tables.get(name, name) for name in old.tables} | LAYOUT_CHANGE["new_tables"]
    problems += [
        f"{name}: a table old main did not have, and not in LAYOUT_CHANGE['new_tables']"
        for name in sorted(set(forward.tables) - expected)
    ]

    content_types = {pk: _moved(app, model) for pk, (app, model) in old.content_types.items()}
    codenames = LAYOUT_CHANGE["permissions"]
    permissions = {
        pk: {**row, "codename": codenames.get(row["codename"], row["codename"])}
        for pk, row in old.permissions.items()
    }
    # A model new in the current code gets its content type (and permissions) from
    # post_migrate; its table says it is new.
    new_models = {
        (app, model)
        for app, model in forward.content_types.values()
        if f"{app}_{model}" in LAYOUT_CHANGE["new_tables"]
    }
    problems += _content_type_problems(content_types, permissions, forward, new_models)

    # A new table's own foreign keys are new with it, and a new column's with it.
    added = LAYOUT_CHANGE["new_columns"]
    found_keys = {
        fk
        for fk in forward.foreign_keys
        if fk[0] not in LAYOUT_CHANGE["new_tables"] and fk[1] not in added.get(fk[0], ())
    }
    problems += _foreign_key_problems(_renamed(old.foreign_keys), found_keys)
    problems += [
        f"a row whose parent is missing (table, rowid, parent, key): {o}" for o in forward.orphans
    ]
    problems += _sequence_problems(
        {tables.get(name, name): last for name, last in old.sequences.items()}, forward
    )
    return problems


def backward_problems(old, forward, back):
    problems = []
    for name, before in old.tables.items():
        after = back.tables.get(name)
        if after is None:
            problems.append(f"{name}: not back under its old name")
        elif name in KEPT_TABLES:
            problems += _differences(name, before, after, rows=False)
        else:
            problems += _differences(name, before, after)
    problems += [
        f"{name}: left behind; old main had no such table"
        for name in sorted(set(back.tables) - set(old.tables))
    ]
    # On the way back, post_migrate may make content types for any model the current
    # code has, in the app it has it in.
    current_models = set(forward.content_types.values())
    problems += _content_type_problems(old.content_types, old.permissions, back, current_models)
    problems += _foreign_key_problems(old.foreign_keys, back.foreign_keys)
    problems += [
        f"a row whose parent is missing (table, rowid, parent, key): {o}" for o in back.orphans
    ]
    problems += _sequence_problems(old.sequences, back)
    return problems


def _content_type_problems(content_types, permissions, found, new_models):
    """Every old content type and permission as expected, under its id; more rows only for
    `new_models` ((app_label, model) pairs post_migrate may add)."""
    problems, added = [], set()
    for pk in sorted(set(content_types) | set(found.content_types)):
        want, got = content_types.get(pk), found.content_types.get(pk)
        if want is None and got in new_models:
            added.add(pk)
        elif want != got:
            problems.append(f"content type {pk}: expected {_label(want)}, found {_label(got)}")
    for pk in sorted(set(permissions) | set(found.permissions)):
        want, got = permissions.get(pk), found.permissions.get(pk)
        if want is None and got["content_type_id"] in added:
            continue
        if want is None:
            problems.append(f"permission {pk}: unexpected {got}")
        elif got is None:
            problems.append(f"permission {pk}: gone (was {want})")
        elif want != got:
            problems.append(f"permission {pk}: expected {want}, found {got}")
    return problems


def _differences(name, before, after, *, rows=True):
    """Columns, count and (unless `rows` is false: they are compared one by one) contents."""
    problems = []
    if before.columns != after.columns:
        problems.append(f"{name}: columns {before.columns} became {after.columns}")
    if not rows:
        return problems
    if before.count != after.count:
        problems.append(f"{name}: {before.count} rows became {after.count}")
    elif before.sha256 != after.sha256:
        problems.append(f"{name}: the same {before.count} rows, but their contents changed")
    return problems


def _moved(app, model):
    """Where the content type (app_label, model) is now: another app, or a new name."""
    now = LAYOUT_CHANGE["content_types"].get((app, model), app)
    return now if isinstance(now, tuple) else (now, model)


def _renamed(foreign_keys):
    tables, columns = LAYOUT_CHANGE["tables"], LAYOUT_CHANGE["columns"]
    return {
        (
            tables.get(table, table),
            columns.get(table, {}).get(column, column),
            tables.get(parent, parent),
            columns.get(parent, {}).get(key, key),
        )
        for table, column, parent, key in foreign_keys
    }


def _foreign_key_problems(expected, found):
    return [
        f"foreign key missing: {table}.{column} → {parent}.{key}"
        for table, column, parent, key in sorted(expected - found)
    ] + [
        f"foreign key unexpected: {table}.{column} → {parent}.{key}"
        for table, column, parent, key in sorted(found - expected)
    ]


def _sequence_problems(expected, found):
    """Each table's id sequence where it was (tables that vanished are reported already)."""
    # An id sequence that restarted would hand out ids the table already has. Content
    # types and permissions made (and deleted) by post_migrate on the way use up ids.
    names = (set(expected) & set(found.tables)) - KEPT_TABLES
    return [
        f"{name}: ids were handed out up to {expected[name]}, now up to {found.sequences.get(name)}"
        for name in sorted(names)
        if expected[name] != found.sequences.get(name)
    ]


def _label(content_type):
    return "nothing" if content_type is None else ".".join(content_type)
