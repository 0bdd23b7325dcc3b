"""followUpCreate, followUpUpdate, followUpDelete (entries are part of the item)."""

from __future__ import annotations

from api.editorial.mutations import content_mutations

FollowUpMutation = content_mutations("FollowUp", "follow_ups")
