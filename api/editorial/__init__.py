"""Editorial access and writes: tokens, scope, mutations, revisions, preview of drafts."""
