"""The units' ledgers now belong to the ledgers app and the briefings to the reports app
(ledgers/0001 and reports/0001 took their tables). Nothing changes in the database."""

from django.db import migrations

# Those that others point at go last.
MOVED = [
    "ActivityAttachment",
    "PracticeActivity",
    "PracticePlan",
    "PracticeBaseline",
    "CardRecord",
    "CardType",
    "SurveyResponse",
    "RectificationChange",
    "RectificationItem",
    "IntegrityRecord",
    "LeaderLecture",
    "TripRequest",
    "PublicityCheck",
    "DiscussionRequirement",
    "DiscussionSession",
    "LedgerCorrection",
    "Briefing",
]


class Migration(migrations.Migration):

    dependencies = [
        ("campaign", "0010_topics_and_readings_from_study"),
        ("ledgers", "0001_initial"),
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name=name) for name in MOVED],
        ),
    ]
