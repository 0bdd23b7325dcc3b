"""contactCreate, contactUpdate, contactDelete."""

from __future__ import annotations

from api.editorial.mutations import content_mutations

ContactMutation = content_mutations("Contact", "contacts")
