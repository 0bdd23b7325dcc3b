"""agreementCreate, agreementUpdate, agreementDelete."""

from __future__ import annotations

from api.editorial.mutations import content_mutations

AgreementMutation = content_mutations("Agreement", "agreements")
