"""serviceAgreementCreate, serviceAgreementUpdate, serviceAgreementDelete."""

from __future__ import annotations

from api.editorial.mutations import content_mutations

ServiceAgreementMutation = content_mutations("ServiceAgreement", "service_agreements")
