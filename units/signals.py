"""What the roster tells the apps above it, which listen; units imports none of them.

`members_changed` is sent inside the transaction that changed members' flags (领导干部,
有书写能力, 流动党员 …), with `member_ids`: what each of them owes follows from those
flags, so the study ledger refreshes their progress before the transaction commits.

`unit_moved` is sent when a unit has been moved under another parent, its descendants'
paths already rewritten, with `unit` and its `old_path`.
"""

from django.dispatch import Signal

members_changed = Signal()
unit_moved = Signal()
